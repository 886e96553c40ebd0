package io.tpm4j.api.commands;

import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_PolicyAuthorize (Part 3, section 23.16): replaces the session's digest with one a signing key approved (the ticket from TPM2_VerifySignature proves it). */
public record PolicyAuthorize(int policySession, byte[] approvedPolicy, byte[] policyRef, byte[] keySign, Ticket checkTicket) implements TpmCommand<PolicyAuthorize.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.POLICY_AUTHORIZE;
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
        out.tpm2b(approvedPolicy).tpm2b(policyRef).tpm2b(keySign);
        checkTicket.write(out);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
