package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;

/**
 * TPM2_CreateLoaded (Part 3, section 12.9): creates an object and loads it in one command — a primary,
 * ordinary or derived object, by its parent.
 */
public record CreateLoaded(int parentHandle, Authorization parentAuth, SensitiveCreate inSensitive, PublicArea inPublic)
        implements TpmCommand<CreateLoaded.Response> {

    public record Response(int objectHandle, byte[] outPrivate, PublicArea outPublic, byte[] name) {
    }

    @Override
    public CommandLayout layout() {
        // inPublic: the TPMT_PUBLIC a TPM2B_TEMPLATE holds
        return CommandLayout.of(TpmCc.CREATE_LOADED).authorized(parentHandle, parentAuth)
                .parameters(sized(inSensitive), sized(inPublic)).returningHandle().sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(responseHandle, in.tpm2b(Create.MAX_PRIVATE, "outPrivate"), PublicArea.readSized(in),
                in.tpm2b(2 + 64, "name"));
    }
}
