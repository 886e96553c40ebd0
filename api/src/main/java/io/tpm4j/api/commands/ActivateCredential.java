package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;

/**
 * TPM2_ActivateCredential (Part 3, section 12.5): recovers a credential made by TPM2_MakeCredential, proving
 * that {@code activateHandle} (the AK, admin role) and {@code keyHandle} (the EK) are in the same TPM.
 */
public record ActivateCredential(int activateHandle, Authorization activateAuth, int keyHandle, Authorization keyAuth,
                                 byte[] credentialBlob, byte[] secret) implements TpmCommand<ActivateCredential.Response> {

    public ActivateCredential {
        credentialBlob = credentialBlob.clone();
        secret = secret.clone();
    }

    /** Activates the credential of {@code challenge}, as TPM2_MakeCredential (or its software equivalent) made it. */
    public ActivateCredential(int activateHandle, Authorization activateAuth, int keyHandle, Authorization keyAuth,
                              MakeCredential.Response challenge) {
        this(activateHandle, activateAuth, keyHandle, keyAuth, challenge.credentialBlob(), challenge.secret());
    }

    public record Response(byte[] certInfo) {
        /** Never shows the recovered credential. */
        @Override
        public String toString() {
            return "ActivateCredential.Response[" + certInfo.length + " bytes]";
        }
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.ACTIVATE_CREDENTIAL).authorized(activateHandle, activateAuth)
                .authorized(keyHandle, keyAuth)
                .parameters(sized(credentialBlob), sized(secret)).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(64, "certInfo"));
    }
}
