package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_DictionaryAttackLockReset (Part 3, section 25.2): clears the failed-authorisation count, with the lockout authorisation. */
public record DictionaryAttackLockReset(int lockHandle, Authorization lockoutAuth) implements TpmCommand<DictionaryAttackLockReset.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.DICTIONARY_ATTACK_LOCK_RESET;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(lockHandle, lockoutAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
