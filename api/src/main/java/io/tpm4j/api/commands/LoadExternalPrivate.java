package io.tpm4j.api.commands;

import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.Sensitive;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.u32;

/**
 * TPM2_LoadExternal (Part 3, section 12.3) with the private part: a key made outside the TPM, both halves in clear, so
 * the TPM can sign, decrypt or HMAC with it. With a private part the TPM takes it only into the NULL hierarchy
 * ({@code TpmRh.NULL}); fixedTPM and fixedParent must be clear. The sensitive area is the first parameter, so a
 * session with decrypt set carries it encrypted.
 */
public record LoadExternalPrivate(Sensitive inPrivate, PublicArea inPublic, int hierarchy)
        implements TpmCommand<LoadExternal.Response> {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.LOAD_EXTERNAL)
                .parameters(sized(inPrivate.toBytes()), sized(inPublic), u32(hierarchy)).returningHandle().sizedResponse();
    }

    @Override
    public LoadExternal.Response readResponse(int responseHandle, TpmReader in) {
        return new LoadExternal(inPublic, hierarchy).readResponse(responseHandle, in);
    }

    /** Never shows the private part. */
    @Override
    public String toString() {
        return "LoadExternalPrivate[" + inPrivate + ", inPublic=" + inPublic + String.format(", hierarchy=0x%08x]",
                hierarchy);
    }
}
