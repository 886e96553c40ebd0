package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmEo;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_PolicyCounterTimer (Part 3, section 23.10): TPMS_TIME_INFO at {@code offset} must compare to operandB as {@code operation} says. */
public record PolicyCounterTimer(int policySession, byte[] operandB, int offset, TpmEo operation) implements TpmCommand<PolicyCounterTimer.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.POLICY_COUNTER_TIMER;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.of(policySession));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(operandB).u16(offset).u16(operation.value());
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
