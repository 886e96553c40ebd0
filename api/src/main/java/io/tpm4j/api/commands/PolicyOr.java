package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_PolicyOR (Part 3, section 23.6): the session's digest must be one of these (2 to 8). */
public record PolicyOr(int policySession, List<byte[]> digests) implements TpmCommand<PolicyOr.Response> {

    public PolicyOr {
        if (digests.size() < 2 || digests.size() > 8) {
            throw new IllegalArgumentException("TPM2_PolicyOR takes 2 to 8 digests, not " + digests.size());
        }
        digests = digests.stream().map(byte[]::clone).toList();
    }

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.POLICY_OR;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.of(policySession));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.u32(digests.size());
        digests.forEach(out::tpm2b);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
