package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.u32;

/** TPM2_DictionaryAttackParameters (Part 3, section 25.3): the lockout thresholds and recovery times, in seconds. */
public record DictionaryAttackParameters(int lockHandle, Authorization lockoutAuth, int newMaxTries, int newRecoveryTime, int lockoutRecovery) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.DICTIONARY_ATTACK_PARAMETERS).authorized(lockHandle, lockoutAuth)
                .parameters(u32(newMaxTries), u32(newRecoveryTime), u32(lockoutRecovery));
    }
}
