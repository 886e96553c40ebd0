package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_DictionaryAttackParameters (Part 3, section 25.3): the lockout thresholds and recovery times, in seconds. */
public record DictionaryAttackParameters(int lockHandle, Authorization lockoutAuth, int newMaxTries, int newRecoveryTime, int lockoutRecovery) implements TpmCommand<DictionaryAttackParameters.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.DICTIONARY_ATTACK_PARAMETERS;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(lockHandle, lockoutAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.u32(newMaxTries).u32(newRecoveryTime).u32(lockoutRecovery);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
