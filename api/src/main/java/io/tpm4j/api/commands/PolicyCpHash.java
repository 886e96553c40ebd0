package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_PolicyCpHash (Part 3, section 23.13): the session may authorise only the command with this cpHash. */
public record PolicyCpHash(int policySession, byte[] cpHashA) implements TpmCommand<PolicyCpHash.Response> {

    public PolicyCpHash {
        cpHashA = cpHashA.clone();
    }

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.POLICY_CP_HASH;
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
        out.tpm2b(cpHashA);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
