package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_PolicyGetDigest (Part 3, section 23.19): the policy digest a (trial) session has accumulated. */
public record PolicyGetDigest(int policySession) implements TpmCommand<PolicyGetDigest.Response> {

    public record Response(byte[] policyDigest) {
    }

    @Override
    public TpmCc code() {
        return TpmCc.POLICY_GET_DIGEST;
    }

    @Override
    public boolean firstResponseParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.of(policySession));
    }

    @Override
    public void writeParameters(TpmWriter out) {
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(64, "policyDigest"));
    }
}
