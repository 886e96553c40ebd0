package io.tpm4j.api.commands;

import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structure;

/**
 * TPM2_VerifySignature (Part 3, section 20.1): the TPM checks a signature over a digest with a loaded key;
 * a bad signature is TPM_RC_SIGNATURE, a good one returns a TPMT_TK_VERIFIED ticket.
 */
public record VerifySignature(int keyHandle, byte[] digest, Signature signature)
        implements TpmCommand<VerifySignature.Response> {

    public VerifySignature {
        digest = digest.clone();
    }

    public record Response(Ticket validation) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.VERIFY_SIGNATURE).handle(keyHandle)
                .parameters(sized(digest), structure(signature::write));
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(Ticket.read(in, "validation"));
    }
}
