package io.tpm4j.api.commands;

import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_ReadPublic (Part 3, section 12.4): the public area, Name and qualified Name of a loaded object. */
public record ReadPublic(int objectHandle) implements TpmCommand<ReadPublic.Response> {

    public record Response(PublicArea outPublic, byte[] name, byte[] qualifiedName) {
    }

    @Override
    public TpmCc code() {
        return TpmCc.READ_PUBLIC;
    }

    @Override
    public boolean firstResponseParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.of(objectHandle));
    }

    @Override
    public void writeParameters(TpmWriter out) {
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(PublicArea.readSized(in), in.tpm2b(2 + 64, "name"), in.tpm2b(2 + 64, "qualifiedName"));
    }
}
