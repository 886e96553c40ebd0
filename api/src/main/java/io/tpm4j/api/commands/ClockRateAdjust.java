package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_ClockRateAdjust (Part 3, section 29.3): speeds the Clock up or slows it down a step (TPM_CLOCK_ADJUST, -3..3). */
public record ClockRateAdjust(int authHandle, Authorization auth, int rateAdjust) implements TpmCommand<ClockRateAdjust.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.CLOCK_RATE_ADJUST;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(authHandle, auth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.u8(rateAdjust);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
