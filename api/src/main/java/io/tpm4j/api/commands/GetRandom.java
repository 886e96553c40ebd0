package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.u16;

/**
 * TPM2_GetRandom (Part 3, section 16.1): up to the TPM's largest digest size of random bytes per call;
 * the TPM may return fewer than requested.
 */
public record GetRandom(int bytesRequested) implements TpmCommand<GetRandom.Response> {

    /** The largest TPM2B_DIGEST any TPM returns (SHA-512). */
    public static final int MAX_BYTES = 64;

    public GetRandom {
        if (bytesRequested < 0 || bytesRequested > 0xFFFF) {
            throw new IllegalArgumentException("bytesRequested must be 0..65535, not " + bytesRequested);
        }
    }

    public record Response(byte[] randomBytes) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.GET_RANDOM).parameters(u16(bytesRequested)).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(Math.min(bytesRequested, MAX_BYTES), "randomBytes"));
    }
}
