package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_PolicySecret (Part 3, section 23.4): the policy is satisfied by authorising {@code authHandle} (e.g. the
 * endorsement hierarchy for an EK). A negative expiration asks for a ticket.
 */
public record PolicySecret(int authHandle, Authorization auth, int policySession, byte[] nonceTpm, byte[] cpHashA,
                           byte[] policyRef, int expiration) implements TpmCommand<PolicySecret.Response> {

    public PolicySecret {
        nonceTpm = nonceTpm.clone();
        cpHashA = cpHashA.clone();
        policyRef = policyRef.clone();
    }

    public record Response(byte[] timeout, Ticket policyTicket) {
    }

    @Override
    public TpmCc code() {
        return TpmCc.POLICY_SECRET;
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
        return List.of(CommandHandle.authorized(authHandle, auth), CommandHandle.of(policySession));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(nonceTpm).tpm2b(cpHashA).tpm2b(policyRef).u32(expiration);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(64, "timeout"), Ticket.read(in, "policyTicket"));
    }
}
