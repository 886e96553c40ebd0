package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.u8;

/** TPM2_ClockRateAdjust (Part 3, section 29.3): speeds the Clock up or slows it down a step (TPM_CLOCK_ADJUST, -3..3). */
public record ClockRateAdjust(int authHandle, Authorization auth, int rateAdjust) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.CLOCK_RATE_ADJUST).authorized(authHandle, auth).parameters(u8(rateAdjust));
    }
}
