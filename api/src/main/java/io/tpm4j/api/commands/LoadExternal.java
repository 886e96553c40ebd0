package io.tpm4j.api.commands;

import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.emptyBuffer;
import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.u32;

/**
 * TPM2_LoadExternal (Part 3, section 12.3), public part only: loads a key made outside the TPM so the TPM can
 * verify its signatures or encrypt to it. fixedTPM and fixedParent must be clear in its attributes.
 */
public record LoadExternal(PublicArea inPublic, int hierarchy) implements TpmCommand<LoadExternal.Response> {

    public record Response(int objectHandle, byte[] name) {
    }

    @Override
    public CommandLayout layout() {
        // No TPM2B_SENSITIVE: the public part only.
        return CommandLayout.of(TpmCc.LOAD_EXTERNAL)
                .parameters(emptyBuffer(), sized(inPublic), u32(hierarchy)).returningHandle().sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(responseHandle, in.tpm2b(2 + 64, "name"));
    }
}
