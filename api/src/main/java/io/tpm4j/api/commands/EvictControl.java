package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_EvictControl (Part 3, section 28.5): makes a loaded transient object persistent at
 * {@code persistentHandle}, or — given a persistent handle as {@code objectHandle} — removes it.
 */
public record EvictControl(int auth, Authorization hierarchyAuth, int objectHandle, int persistentHandle)
        implements TpmCommand<EvictControl.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.EVICT_CONTROL;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(auth, hierarchyAuth), CommandHandle.of(objectHandle));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.u32(persistentHandle);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
