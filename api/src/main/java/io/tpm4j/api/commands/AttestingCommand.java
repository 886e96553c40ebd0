package io.tpm4j.api.commands;

import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.wire.TpmReader;

/**
 * A command whose response is a signed attestation (TPM2_Quote, TPM2_Certify, TPM2_GetTime...): a
 * TPM2B_ATTEST, then the signature over its bytes.
 */
public interface AttestingCommand extends TpmCommand<SignedAttest> {

    @Override
    default SignedAttest readResponse(int responseHandle, TpmReader in) {
        return SignedAttest.read(in, "TPM2B_ATTEST");
    }
}
