package io.tpm4j.api.commands;

import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structure;

/**
 * TPM2_PolicyTicket (Part 3, section 23.5): replays a TPM2_PolicySigned or TPM2_PolicySecret assertion in a
 * later session with the ticket (and timeout) that command returned, without the signer or secret again.
 */
public record PolicyTicket(int policySession, byte[] timeout, byte[] cpHashA, byte[] policyRef, byte[] authName,
                           Ticket ticket) implements NoResponseCommand {

    public PolicyTicket {
        timeout = timeout.clone();
        cpHashA = cpHashA.clone();
        policyRef = policyRef.clone();
        authName = authName.clone();
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.POLICY_TICKET).handle(policySession)
                .parameters(sized(timeout), sized(cpHashA), sized(policyRef), sized(authName),
                        structure(ticket::write));
    }
}
