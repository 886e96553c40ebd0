package io.tpm4j.api.commands;

import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

/**
 * TPM2_LoadExternal (Part 3, section 12.3), public part only: loads a key made outside the TPM so the TPM can
 * verify its signatures or encrypt to it. fixedTPM and fixedParent must be clear in its attributes.
 */
public record LoadExternal(PublicArea inPublic, int hierarchy) implements TpmCommand<LoadExternal.Response> {

    public record Response(int objectHandle, byte[] name) {
    }

    @Override
    public TpmCc code() {
        return TpmCc.LOAD_EXTERNAL;
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
    public boolean returnsHandle() {
        return true;
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.u16(0); // an empty TPM2B_SENSITIVE: the public part only
        inPublic.writeSized(out);
        out.u32(hierarchy);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(responseHandle, in.tpm2b(2 + 64, "name"));
    }
}
