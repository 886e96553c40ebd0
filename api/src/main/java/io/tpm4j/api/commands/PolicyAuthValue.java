package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;

/** TPM2_PolicyAuthValue (Part 3, section 23.17): the object's authValue must be shown in an HMAC of the session. */
public record PolicyAuthValue(int policySession) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.POLICY_AUTH_VALUE).handle(policySession);
    }
}
