package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.sized;

/** TPM2_PolicyNameHash (Part 3, section 23.14): the session may authorise only a command on the handles whose Names hash to this. */
public record PolicyNameHash(int policySession, byte[] nameHash) implements NoResponseCommand {

    public PolicyNameHash {
        nameHash = nameHash.clone();
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.POLICY_NAME_HASH).handle(policySession).parameters(sized(nameHash));
    }
}
