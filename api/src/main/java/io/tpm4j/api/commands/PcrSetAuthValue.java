package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.sized;

/**
 * TPM2_PCR_SetAuthValue (Part 3, section 22.7): sets the authValue of the authorisation group {@code pcr}
 * belongs to (the PCRs the TPM lists under TPM_PT_PCR_AUTH); later extends of those PCRs need it.
 */
public record PcrSetAuthValue(int pcr, Authorization pcrAuth, byte[] auth) implements NoResponseCommand {

    public PcrSetAuthValue {
        auth = auth.clone();
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.PCR_SET_AUTH_VALUE).authorized(pcr, pcrAuth).parameters(sized(auth));
    }

    /** Never shows the new authValue. */
    @Override
    public String toString() {
        return "PcrSetAuthValue[pcr=" + pcr + "]";
    }
}
