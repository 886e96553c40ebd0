package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

/** TPM2_ReadClock (Part 3, section 29.1): the TPM's time since start-up and its clock and reset counters. */
public record ReadClock() implements TpmCommand<ReadClock.Response> {

    /** TPMS_TIME_INFO with its TPMS_CLOCK_INFO. Times are in milliseconds. */
    public record Response(long time, long clock, int resetCount, int restartCount, boolean safe) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.READ_CLOCK);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.u64("time"), in.u64("clockInfo.clock"), in.u32("clockInfo.resetCount"),
                in.u32("clockInfo.restartCount"), in.bool("clockInfo.safe"));
    }
}
