package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.u64;

/** TPM2_ClockSet (Part 3, section 29.2): advances the TPM's Clock (it never goes back), in milliseconds. */
public record ClockSet(int authHandle, Authorization auth, long newTime) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.CLOCK_SET).authorized(authHandle, auth).parameters(u64(newTime));
    }
}
