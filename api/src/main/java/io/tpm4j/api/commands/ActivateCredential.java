package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

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

    public record Response(byte[] certInfo) {
        /** Never shows the recovered credential. */
        @Override
        public String toString() {
            return "ActivateCredential.Response[" + certInfo.length + " bytes]";
        }
    }

    @Override
    public TpmCc code() {
        return TpmCc.ACTIVATE_CREDENTIAL;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public boolean firstResponseParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(activateHandle, activateAuth), CommandHandle.authorized(keyHandle, keyAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(credentialBlob).tpm2b(secret);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(64, "certInfo"));
    }
}
