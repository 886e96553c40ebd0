package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

/** TPM2_PolicyGetDigest (Part 3, section 23.19): the policy digest a (trial) session has accumulated. */
public record PolicyGetDigest(int policySession) implements TpmCommand<PolicyGetDigest.Response> {

    public record Response(byte[] policyDigest) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.POLICY_GET_DIGEST).handle(policySession).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(64, "policyDigest"));
    }
}
