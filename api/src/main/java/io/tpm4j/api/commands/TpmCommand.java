package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * One TPM 2.0 command: its code, its handle area (with the authorisation each handle needs), how its
 * parameters marshal, and how its response parses. Each Part 3 command is a record implementing this,
 * run with {@code Tpm.execute}; the header, the authorisation areas and parameterSize are framed there.
 *
 * @param <R> the response record
 */
public interface TpmCommand<R> {

    TpmCc code();

    /** The handle area, in Part 3 order. */
    default List<CommandHandle> handles() {
        return List.of();
    }

    /** Whether the response carries a handle (e.g. the object TPM2_Load loaded). */
    default boolean returnsHandle() {
        return false;
    }

    /**
     * Whether the first command parameter is a TPM2B, which a session with TPMA_SESSION.decrypt encrypts
     * (Part 3 marks such commands; a secret goes first where a command has one).
     */
    default boolean firstCommandParameterSized() {
        return false;
    }

    /** Whether the first response parameter is a TPM2B, which a session with TPMA_SESSION.encrypt encrypts. */
    default boolean firstResponseParameterSized() {
        return false;
    }

    /** Writes the parameters (everything after the handle and authorisation areas). */
    void writeParameters(TpmWriter out);

    /**
     * Parses the response parameters of a successful response.
     *
     * @param responseHandle the response's handle when {@link #returnsHandle()}, else 0
     */
    R readResponse(int responseHandle, TpmReader in);
}
