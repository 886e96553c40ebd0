package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structure;

/**
 * TPM2_Duplicate (Part 3, section 13.1): wraps a loaded object for {@code newParentHandle} (TPM_RH_NULL for
 * none). The object's DUP role needs a policy session. With {@code symmetricAlg} set the inner wrapper uses
 * {@code encryptionKeyIn}, or a key the TPM picks and returns when that is empty.
 */
public record Duplicate(int objectHandle, Authorization objectAuth, int newParentHandle, byte[] encryptionKeyIn,
                        SymmetricDefinition symmetricAlg) implements TpmCommand<Duplicate.Response> {

    /** Bounds a TPM2B_ENCRYPTED_SECRET: an RSA-4096 ciphertext or an ECC point, whichever is larger. */
    static final int MAX_ENCRYPTED_SECRET = 512;

    public Duplicate {
        encryptionKeyIn = encryptionKeyIn.clone();
    }

    /** The inner wrapper key the TPM chose (empty if the caller gave one), the duplicate and its outer seed. */
    public record Response(byte[] encryptionKeyOut, byte[] duplicate, byte[] outSymSeed) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.DUPLICATE).authorized(objectHandle, objectAuth).handle(newParentHandle)
                .parameters(sized(encryptionKeyIn), structure(symmetricAlg::write)).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(32, "encryptionKeyOut"), in.tpm2b(Create.MAX_PRIVATE, "duplicate"),
                in.tpm2b(MAX_ENCRYPTED_SECRET, "outSymSeed"));
    }

    @Override
    public String toString() {
        return "Duplicate[objectHandle=" + String.format("0x%08x", objectHandle) + ", newParentHandle="
                + String.format("0x%08x", newParentHandle) + ", symmetricAlg=" + symmetricAlg + "]";
    }
}
