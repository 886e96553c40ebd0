package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmSt;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structure;

/**
 * TPM2_Sign (Part 3, section 20.2): signs a digest with a loaded signing key. {@code inScheme} NULL uses the
 * key's own scheme; {@code validation} proves a restricted key that the TPM hashed the data itself.
 */
public record Sign(int keyHandle, Authorization keyAuth, byte[] digest, Scheme inScheme, Ticket validation)
        implements TpmCommand<Sign.Response> {

    /** TPM_ST_HASHCHECK. */
    public static final int ST_HASHCHECK = TpmSt.HASHCHECK.value();

    public Sign {
        digest = digest.clone();
    }

    /** The NULL hashcheck ticket, enough for keys that are not restricted. */
    public static Ticket nullTicket() {
        return new Ticket(ST_HASHCHECK, TpmRh.NULL, new byte[0]);
    }

    public record Response(Signature signature) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.SIGN).authorized(keyHandle, keyAuth)
                .parameters(sized(digest), structure(inScheme::write), structure(validation::write));
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(Signature.read(in));
    }
}
