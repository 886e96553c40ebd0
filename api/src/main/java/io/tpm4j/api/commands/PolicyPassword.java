package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;

/** TPM2_PolicyPassword (Part 3, section 23.18): the object's authValue must be shown in clear (its digest equals PolicyAuthValue's). */
public record PolicyPassword(int policySession) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.POLICY_PASSWORD).handle(policySession);
    }
}
