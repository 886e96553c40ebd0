package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.bool;

/** TPM2_PolicyNvWritten (Part 3, section 23.20): the NV index being used must (or must not) have been written. */
public record PolicyNvWritten(int policySession, boolean writtenSet) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.POLICY_NV_WRITTEN).handle(policySession).parameters(bool(writtenSet));
    }
}
