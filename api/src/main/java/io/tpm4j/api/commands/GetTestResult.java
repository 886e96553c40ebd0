package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

/** TPM2_GetTestResult (Part 3, section 10.4): the manufacturer's self-test data and the test status (a TPM_RC). */
public record GetTestResult() implements TpmCommand<GetTestResult.Response> {

    public record Response(byte[] outData, int testResult) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.GET_TEST_RESULT).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(in.remaining(), "outData"), in.u32("testResult"));
    }
}
