package io.tpm4j.api.commands;

import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_PolicySigned (Part 3, section 23.3): the policy is satisfied by a signature of {@code authObject} over
 * the session nonce, cpHash, policyRef and expiration.
 */
public record PolicySigned(int authObject, int policySession, byte[] nonceTpm, byte[] cpHashA, byte[] policyRef,
                           int expiration, Signature auth) implements TpmCommand<PolicySigned.Response> {

    public PolicySigned {
        nonceTpm = nonceTpm.clone();
        cpHashA = cpHashA.clone();
        policyRef = policyRef.clone();
    }

    public record Response(byte[] timeout, Ticket policyTicket) {
    }

    @Override
    public TpmCc code() {
        return TpmCc.POLICY_SIGNED;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public boolean firstResponseParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.of(authObject), CommandHandle.of(policySession));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(nonceTpm).tpm2b(cpHashA).tpm2b(policyRef).u32(expiration);
        auth.write(out);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(64, "timeout"), Ticket.read(in, "policyTicket"));
    }
}
