package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.bool;
import static io.tpm4j.api.commands.Parameter.sized;

/** TPM2_PolicyDuplicationSelect (Part 3, section 23.15): the object may be duplicated only to this new parent. */
public record PolicyDuplicationSelect(int policySession, byte[] objectName, byte[] newParentName, boolean includeObject) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.POLICY_DUPLICATION_SELECT).handle(policySession)
                .parameters(sized(objectName), sized(newParentName), bool(includeObject));
    }
}
