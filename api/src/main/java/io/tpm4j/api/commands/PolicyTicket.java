package io.tpm4j.api.commands;

import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_PolicyTicket (Part 3, section 23.5): replays a TPM2_PolicySigned or TPM2_PolicySecret assertion in a
 * later session with the ticket (and timeout) that command returned, without the signer or secret again.
 */
public record PolicyTicket(int policySession, byte[] timeout, byte[] cpHashA, byte[] policyRef, byte[] authName,
                           Ticket ticket) implements TpmCommand<PolicyTicket.Response> {

    public PolicyTicket {
        timeout = timeout.clone();
        cpHashA = cpHashA.clone();
        policyRef = policyRef.clone();
        authName = authName.clone();
    }

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.POLICY_TICKET;
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
        out.tpm2b(timeout).tpm2b(cpHashA).tpm2b(policyRef).tpm2b(authName);
        ticket.write(out);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
