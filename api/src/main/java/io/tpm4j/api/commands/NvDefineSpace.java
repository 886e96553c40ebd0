package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.sized;

/** TPM2_NV_DefineSpace (Part 3, section 31.3): defines an NV index with its authValue and public area. */
public record NvDefineSpace(int authHandle, Authorization hierarchyAuth, byte[] auth, NvPublic publicInfo)
        implements NoResponseCommand {

    public NvDefineSpace {
        auth = auth.clone();
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.NV_DEFINE_SPACE).authorized(authHandle, hierarchyAuth)
                .parameters(sized(auth), sized(publicInfo));
    }

    /** Never shows the index's authValue. */
    @Override
    public String toString() {
        return "NvDefineSpace[" + publicInfo + "]";
    }
}
