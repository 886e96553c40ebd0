package io.tpm4j.api.commands;

/**
 * What sessions need of a TPM to start and end themselves: run one command, and learn an entity's Name.
 * {@code CommandExecutor} (and so {@code Tpm}) is one; sessions and loaded objects hold this, not the facade.
 */
public interface CommandRunner {

    /** Runs {@code command} without extra sessions and returns its parsed response. */
    <R> R execute(TpmCommand<R> command);

    /**
     * The Name of the entity behind {@code handle}, as cpHash needs it: the handle itself for PCRs, sessions and
     * permanent handles, the TPM's Name (asked each time) for objects and NV indices.
     */
    byte[] nameOf(int handle);
}
