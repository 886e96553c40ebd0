package io.tpm4j.api.commands;

import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

/** TPM2_ReadPublic (Part 3, section 12.4): the public area, Name and qualified Name of a loaded object. */
public record ReadPublic(int objectHandle) implements TpmCommand<ReadPublic.Response> {

    public record Response(PublicArea outPublic, byte[] name, byte[] qualifiedName) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.READ_PUBLIC).handle(objectHandle).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(PublicArea.readSized(in), in.tpm2b(2 + 64, "name"), in.tpm2b(2 + 64, "qualifiedName"));
    }
}
