package io.tpm4j.api.commands;

import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structure;
import static io.tpm4j.api.commands.Parameter.u16;
import static io.tpm4j.api.commands.Parameter.u8;

/**
 * TPM2_StartAuthSession (Part 3, section 11.1): starts an HMAC, policy or trial session, optionally salted
 * to {@code tpmKey} and bound to {@code bind} (TPM_RH_NULL for neither). The session value types come with
 * the sessions work; this is the command itself.
 */
public record StartAuthSession(int tpmKey, int bind, byte[] nonceCaller, byte[] encryptedSalt, int sessionType,
                               SymmetricDefinition symmetric, TpmAlg authHash)
        implements TpmCommand<StartAuthSession.Response> {

    /** TPM_SE. */
    public static final int HMAC = 0x00;
    public static final int POLICY = 0x01;
    public static final int TRIAL = 0x03;

    public StartAuthSession {
        nonceCaller = nonceCaller.clone();
        encryptedSalt = encryptedSalt.clone();
    }

    public record Response(int sessionHandle, byte[] nonceTpm) {
    }

    @Override
    public CommandLayout layout() {
        // symmetric: AES-CFB, XOR or NULL
        return CommandLayout.of(TpmCc.START_AUTH_SESSION).handle(tpmKey).handle(bind)
                .parameters(sized(nonceCaller), sized(encryptedSalt), u8(sessionType), structure(symmetric::write),
                        u16(authHash.value()))
                .returningHandle().sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(responseHandle, in.tpm2b(64, "nonceTPM"));
    }
}
