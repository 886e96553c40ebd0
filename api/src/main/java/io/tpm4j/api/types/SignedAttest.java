package io.tpm4j.api.types;

import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

/**
 * What every attesting command returns (Quote, Certify, CertifyCreation, NV_Certify, GetTime,
 * GetCommandAuditDigest): a TPM2B_ATTEST and the signature over its bytes.
 */
public record SignedAttest(Attest attest, Signature signature) {

    /** Reads the TPM2B_ATTEST named {@code field}, then the TPMT_SIGNATURE. */
    public static SignedAttest read(TpmReader in, String field) {
        return new SignedAttest(Attest.parse(in.tpm2b(in.remaining(), field)), Signature.read(in));
    }

    /** Writes the TPM2B_ATTEST (the bytes exactly as signed) and the TPMT_SIGNATURE. */
    public void write(TpmWriter out) {
        out.tpm2b(attest.bytes());
        signature.write(out);
    }
}
