package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_PCR_Reset (Part 3, section 22.8): sets a resettable PCR (16 and 23 at locality 0 on PC-client TPMs) to its reset value. */
public record PcrReset(int pcr, Authorization pcrAuth) implements TpmCommand<PcrReset.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.PCR_RESET;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(pcr, pcrAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
