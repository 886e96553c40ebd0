package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structure;

/**
 * TPM2_Import (Part 3, section 13.3): turns a duplicate made for {@code parentHandle} (by TPM2_Duplicate,
 * TPM2_Rewrap or software) into a private area that TPM2_Load accepts under that parent.
 */
public record Import(int parentHandle, Authorization parentAuth, byte[] encryptionKey, PublicArea objectPublic,
                     byte[] duplicate, byte[] inSymSeed, SymmetricDefinition symmetricAlg)
        implements TpmCommand<Import.Response> {

    public Import {
        encryptionKey = encryptionKey.clone();
        duplicate = duplicate.clone();
        inSymSeed = inSymSeed.clone();
    }

    public record Response(byte[] outPrivate) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.IMPORT).authorized(parentHandle, parentAuth)
                .parameters(sized(encryptionKey), sized(objectPublic), sized(duplicate), sized(inSymSeed),
                        structure(symmetricAlg::write))
                .sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(Create.MAX_PRIVATE, "outPrivate"));
    }

    /** Never shows the inner wrapper key. */
    @Override
    public String toString() {
        return "Import[parentHandle=" + String.format("0x%08x", parentHandle) + ", objectPublic=" + objectPublic + "]";
    }
}
