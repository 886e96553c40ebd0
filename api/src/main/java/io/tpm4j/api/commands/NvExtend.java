package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.sized;

/** TPM2_NV_Extend (Part 3, section 31.9): index := H_nameAlg(index || data), like a PCR. */
public record NvExtend(int authHandle, Authorization auth, int nvIndex, byte[] data)
        implements NoResponseCommand {

    public NvExtend {
        data = data.clone();
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.NV_EXTEND).authorized(authHandle, auth).handle(nvIndex).parameters(sized(data));
    }
}
