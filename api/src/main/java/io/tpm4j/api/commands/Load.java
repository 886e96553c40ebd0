package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_Load (Part 3, section 12.2): loads an object created by TPM2_Create under its parent. */
public record Load(int parentHandle, Authorization parentAuth, byte[] inPrivate, PublicArea inPublic)
        implements TpmCommand<Load.Response> {

    public Load {
        inPrivate = inPrivate.clone();
    }

    public record Response(int objectHandle, byte[] name) {
    }

    @Override
    public TpmCc code() {
        return TpmCc.LOAD;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public boolean firstResponseParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(parentHandle, parentAuth));
    }

    @Override
    public boolean returnsHandle() {
        return true;
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(inPrivate);
        inPublic.writeSized(out);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(responseHandle, in.tpm2b(2 + 64, "name"));
    }
}
