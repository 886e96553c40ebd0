package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

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
    public TpmCc code() {
        return TpmCc.IMPORT;
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
    public void writeParameters(TpmWriter out) {
        out.tpm2b(encryptionKey);
        objectPublic.writeSized(out);
        out.tpm2b(duplicate).tpm2b(inSymSeed);
        symmetricAlg.write(out);
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
