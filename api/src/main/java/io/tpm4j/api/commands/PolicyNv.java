package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmEo;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.u16;

/**
 * TPM2_PolicyNV (Part 3, section 23.9): the policy holds while the contents of {@code nvIndex} at
 * {@code offset}, compared with {@code operandB} by {@code operation}, are true. {@code authHandle} is the index or its hierarchy, authorised to read it.
 */
public record PolicyNv(int authHandle, Authorization auth, int nvIndex, int policySession, byte[] operandB, int offset,
                       TpmEo operation) implements NoResponseCommand {

    public PolicyNv {
        operandB = operandB.clone();
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.POLICY_NV).authorized(authHandle, auth).handle(nvIndex).handle(policySession)
                .parameters(sized(operandB), u16(offset), u16(operation.value()));
    }
}
