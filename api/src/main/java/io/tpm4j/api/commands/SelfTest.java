package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.bool;

/** TPM2_SelfTest (Part 3, section 10.2): tests the TPM's functions (all of them with fullTest). */
public record SelfTest(boolean fullTest) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.SELF_TEST).parameters(bool(fullTest));
    }
}
