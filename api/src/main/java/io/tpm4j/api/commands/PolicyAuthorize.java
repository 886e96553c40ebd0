package io.tpm4j.api.commands;

import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structure;

/** TPM2_PolicyAuthorize (Part 3, section 23.16): replaces the session's digest with one a signing key approved (the ticket from TPM2_VerifySignature proves it). */
public record PolicyAuthorize(int policySession, byte[] approvedPolicy, byte[] policyRef, byte[] keySign, Ticket checkTicket) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.POLICY_AUTHORIZE).handle(policySession)
                .parameters(sized(approvedPolicy), sized(policyRef), sized(keySign), structure(checkTicket::write));
    }
}
