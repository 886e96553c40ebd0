package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;

/** TPM2_ObjectChangeAuth (Part 3, section 12.8): a new private area for an object with a new authValue; load it to use the new password. */
public record ObjectChangeAuth(int objectHandle, Authorization objectAuth, int parentHandle, byte[] newAuth) implements TpmCommand<ObjectChangeAuth.Response> {

    public record Response(byte[] outPrivate) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.OBJECT_CHANGE_AUTH).authorized(objectHandle, objectAuth).handle(parentHandle)
                .parameters(sized(newAuth)).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(Create.MAX_PRIVATE, "outPrivate"));
    }

    /** Never shows the new authValue. */
    @Override
    public String toString() {
        return String.format("ObjectChangeAuth[0x%08x]", objectHandle);
    }
}
