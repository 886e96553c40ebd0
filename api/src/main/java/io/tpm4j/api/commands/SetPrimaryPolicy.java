package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.u16;

/** TPM2_SetPrimaryPolicy (Part 3, section 24.3): sets a hierarchy's authPolicy (empty with TPM_ALG_NULL to clear it). */
public record SetPrimaryPolicy(int authHandle, Authorization auth, byte[] authPolicy, TpmAlg hashAlg)
        implements NoResponseCommand {

    public SetPrimaryPolicy {
        authPolicy = authPolicy.clone();
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.SET_PRIMARY_POLICY).authorized(authHandle, auth)
                .parameters(sized(authPolicy), u16(hashAlg.value()));
    }
}
