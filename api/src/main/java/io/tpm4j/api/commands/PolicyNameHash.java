package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_PolicyNameHash (Part 3, section 23.14): the session may authorise only a command on the handles whose Names hash to this. */
public record PolicyNameHash(int policySession, byte[] nameHash) implements TpmCommand<PolicyNameHash.Response> {

    public PolicyNameHash {
        nameHash = nameHash.clone();
    }

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.POLICY_NAME_HASH;
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
        out.tpm2b(nameHash);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
