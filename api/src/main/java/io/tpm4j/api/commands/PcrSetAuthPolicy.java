package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRh;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.u16;
import static io.tpm4j.api.commands.Parameter.u32;

/**
 * TPM2_PCR_SetAuthPolicy (Part 3, section 22.6): sets the authPolicy of the policy group that {@code pcrNum}
 * belongs to (an empty policy with TPM_ALG_NULL removes it). Only PCRs the TPM lists under
 * TPM_PT_PCR_POLICY have one.
 */
public record PcrSetAuthPolicy(Authorization platformAuth, byte[] authPolicy, TpmAlg hashAlg, int pcrNum)
        implements NoResponseCommand {

    public PcrSetAuthPolicy {
        authPolicy = authPolicy.clone();
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.PCR_SET_AUTH_POLICY).authorized(TpmRh.PLATFORM, platformAuth)
                .parameters(sized(authPolicy), u16(hashAlg.value()), u32(pcrNum));
    }
}
