package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_SetAlgorithmSet (Part 3, section 26.3): selects a vendor-defined algorithm set, which the TPM reports
 * as TPM_PT_ALGORITHM_SET. Platform authorisation.
 */
public record SetAlgorithmSet(Authorization platformAuth, int algorithmSet) implements TpmCommand<SetAlgorithmSet.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.SET_ALGORITHM_SET;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(TpmRh.PLATFORM, platformAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.u32(algorithmSet);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
