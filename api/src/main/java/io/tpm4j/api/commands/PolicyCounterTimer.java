package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmEo;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.u16;

/** TPM2_PolicyCounterTimer (Part 3, section 23.10): TPMS_TIME_INFO at {@code offset} must compare to operandB as {@code operation} says. */
public record PolicyCounterTimer(int policySession, byte[] operandB, int offset, TpmEo operation) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.POLICY_COUNTER_TIMER).handle(policySession)
                .parameters(sized(operandB), u16(offset), u16(operation.value()));
    }
}
