package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_PCR_SetAuthValue (Part 3, section 22.7): sets the authValue of the authorisation group {@code pcr}
 * belongs to (the PCRs the TPM lists under TPM_PT_PCR_AUTH); later extends of those PCRs need it.
 */
public record PcrSetAuthValue(int pcr, Authorization pcrAuth, byte[] auth) implements TpmCommand<PcrSetAuthValue.Response> {

    public PcrSetAuthValue {
        auth = auth.clone();
    }

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.PCR_SET_AUTH_VALUE;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(pcr, pcrAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(auth);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }

    /** Never shows the new authValue. */
    @Override
    public String toString() {
        return "PcrSetAuthValue[pcr=" + pcr + "]";
    }
}
