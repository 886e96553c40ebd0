package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.u64;

/** TPM2_NV_SetBits (Part 3, section 31.10): ORs bits into a bit-field index. */
public record NvSetBits(int authHandle, Authorization auth, int nvIndex, long bits) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.NV_SET_BITS).authorized(authHandle, auth).handle(nvIndex).parameters(u64(bits));
    }
}
