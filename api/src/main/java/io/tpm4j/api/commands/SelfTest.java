package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

/** TPM2_SelfTest (Part 3, section 10.2): tests the TPM's functions (all of them with fullTest). */
public record SelfTest(boolean fullTest) implements TpmCommand<SelfTest.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.SELF_TEST;
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.u8(fullTest ? 1 : 0);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
