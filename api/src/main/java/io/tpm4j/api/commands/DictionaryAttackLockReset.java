package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

/** TPM2_DictionaryAttackLockReset (Part 3, section 25.2): clears the failed-authorisation count, with the lockout authorisation. */
public record DictionaryAttackLockReset(int lockHandle, Authorization lockoutAuth) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.DICTIONARY_ATTACK_LOCK_RESET).authorized(lockHandle, lockoutAuth);
    }
}
