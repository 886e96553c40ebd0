package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmEo;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_PolicyNV (Part 3, section 23.9): the policy holds while the contents of {@code nvIndex} at
 * {@code offset}, compared with {@code operandB} by {@code operation}, are true. {@code authHandle} is the index or its hierarchy, authorised to read it.
 */
public record PolicyNv(int authHandle, Authorization auth, int nvIndex, int policySession, byte[] operandB, int offset,
                       TpmEo operation) implements TpmCommand<PolicyNv.Response> {

    public PolicyNv {
        operandB = operandB.clone();
    }

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.POLICY_NV;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(authHandle, auth), CommandHandle.of(nvIndex), CommandHandle.of(policySession));
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
