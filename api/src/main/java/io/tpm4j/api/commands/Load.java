package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;

/** TPM2_Load (Part 3, section 12.2): loads an object created by TPM2_Create under its parent. */
public record Load(int parentHandle, Authorization parentAuth, byte[] inPrivate, PublicArea inPublic)
        implements TpmCommand<Load.Response> {

    public Load {
        inPrivate = inPrivate.clone();
    }

    public record Response(int objectHandle, byte[] name) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.LOAD).authorized(parentHandle, parentAuth)
                .parameters(sized(inPrivate), sized(inPublic)).returningHandle().sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(responseHandle, in.tpm2b(2 + 64, "name"));
    }
}
