package io.tpm4j.api.commands;

import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structure;
import static io.tpm4j.api.commands.Parameter.u32;

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
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.POLICY_SIGNED).handle(authObject).handle(policySession)
                .parameters(sized(nonceTpm), sized(cpHashA), sized(policyRef), u32(expiration), structure(auth::write))
                .sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(64, "timeout"), Ticket.read(in, "policyTicket"));
    }
}
