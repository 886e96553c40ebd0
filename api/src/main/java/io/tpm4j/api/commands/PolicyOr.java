package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;

import java.util.List;

import static io.tpm4j.api.commands.Parameter.list;

/** TPM2_PolicyOR (Part 3, section 23.6): the session's digest must be one of these (2 to 8). */
public record PolicyOr(int policySession, List<byte[]> digests) implements NoResponseCommand {

    public PolicyOr {
        if (digests.size() < 2 || digests.size() > 8) {
            throw new IllegalArgumentException("TPM2_PolicyOR takes 2 to 8 digests, not " + digests.size());
        }
        digests = digests.stream().map(byte[]::clone).toList();
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.POLICY_OR).handle(policySession).parameters(list(digests, Parameter::sized));
    }
}
