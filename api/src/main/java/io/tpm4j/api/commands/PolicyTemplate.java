package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_PolicyTemplate (Part 3, section 23.21): the session may create only objects whose template hashes to this. */
public record PolicyTemplate(int policySession, byte[] templateHash) implements TpmCommand<PolicyTemplate.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.POLICY_TEMPLATE;
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
        out.tpm2b(templateHash);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
