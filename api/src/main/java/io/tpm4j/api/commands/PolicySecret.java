package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.u32;

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
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.POLICY_SECRET).authorized(authHandle, auth).handle(policySession)
                .parameters(sized(nonceTpm), sized(cpHashA), sized(policyRef), u32(expiration)).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(64, "timeout"), Ticket.read(in, "policyTicket"));
    }
}
