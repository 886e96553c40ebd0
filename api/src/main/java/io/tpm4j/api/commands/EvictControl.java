package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.u32;

/**
 * TPM2_EvictControl (Part 3, section 28.5): makes a loaded transient object persistent at
 * {@code persistentHandle}, or — given a persistent handle as {@code objectHandle} — removes it.
 */
public record EvictControl(int auth, Authorization hierarchyAuth, int objectHandle, int persistentHandle)
        implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.EVICT_CONTROL).authorized(auth, hierarchyAuth).handle(objectHandle)
                .parameters(u32(persistentHandle));
    }
}
