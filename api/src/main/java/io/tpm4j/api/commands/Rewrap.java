package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;

/**
 * TPM2_Rewrap (Part 3, section 13.2): moves a duplicate's outer wrapper from {@code oldParent} to
 * {@code newParent} without the TPM loading the object; {@code name} is the duplicated object's name.
 */
public record Rewrap(int oldParent, Authorization oldParentAuth, int newParent, byte[] inDuplicate, byte[] name,
                     byte[] inSymSeed) implements TpmCommand<Rewrap.Response> {

    public Rewrap {
        inDuplicate = inDuplicate.clone();
        name = name.clone();
        inSymSeed = inSymSeed.clone();
    }

    public record Response(byte[] outDuplicate, byte[] outSymSeed) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.REWRAP).authorized(oldParent, oldParentAuth).handle(newParent)
                .parameters(sized(inDuplicate), sized(name), sized(inSymSeed)).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(Create.MAX_PRIVATE, "outDuplicate"),
                in.tpm2b(Duplicate.MAX_ENCRYPTED_SECRET, "outSymSeed"));
    }
}
