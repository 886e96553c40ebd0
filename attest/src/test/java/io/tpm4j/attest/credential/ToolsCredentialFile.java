package io.tpm4j.attest.credential;

import io.tpm4j.api.commands.MakeCredential;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

/**
 * The file tpm2_makecredential writes with -o and tpm2_activatecredential reads with -i: tpm2-tools' header (the
 * magic 0xBADCC0DE and version 1, big-endian u32s), then TPM2B_ID_OBJECT and TPM2B_ENCRYPTED_SECRET.
 */
final class ToolsCredentialFile {

    private static final int MAGIC = 0xBADCC0DE;
    private static final int VERSION = 1;
    /** sizeof(TPMU_ENCRYPTED_SECRET) and of TPMS_ID_OBJECT's buffer: nothing larger is a credential. */
    private static final int MAX_SECRET = 512;
    private static final int MAX_BLOB = 2 + 64 + 2 + 64;

    private ToolsCredentialFile() {
    }

    static byte[] write(MakeCredential.Response credential) {
        return new TpmWriter().u32(MAGIC).u32(VERSION).tpm2b(credential.credentialBlob()).tpm2b(credential.secret())
                .toByteArray();
    }

    static MakeCredential.Response read(byte[] file) {
        TpmReader in = new TpmReader(file);
        int magic = in.u32("magic");
        if (magic != MAGIC) {
            throw new IllegalArgumentException(String.format("not a tpm2-tools credential file: magic 0x%08x", magic));
        }
        int version = in.u32("version");
        if (version != VERSION) {
            throw new IllegalArgumentException("tpm2-tools credential file version " + version + ", not " + VERSION);
        }
        MakeCredential.Response credential = new MakeCredential.Response(in.tpm2b(MAX_BLOB, "TPM2B_ID_OBJECT"),
                in.tpm2b(MAX_SECRET, "TPM2B_ENCRYPTED_SECRET"));
        in.expectEnd("tpm2-tools credential file");
        return credential;
    }
}
