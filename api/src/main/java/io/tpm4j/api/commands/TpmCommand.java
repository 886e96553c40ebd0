package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * One TPM 2.0 command: its code, its handle area (with the authorisation each handle needs), its parameters
 * and how its response parses. Each Part 3 command is a record implementing this, run with
 * {@code Tpm.execute}; the header, the authorisation areas and parameterSize are framed there.
 * <p>
 * A record declares what it sends once, in {@link #layout()}; every other method but {@link #readResponse}
 * follows from that declaration. In particular the parameter bytes and whether the first parameter is a
 * TPM2B (which decides whether a session may encrypt it) come from the same list of parameters, so a record
 * never overrides {@link #writeParameters} or {@link #firstCommandParameterSized} (a test holds every
 * record to this).
 *
 * @param <R> the response record
 */
public interface TpmCommand<R> {

    /** The code, handles, parameters and response facts of this command, as Part 3 gives them. */
    CommandLayout layout();

    default TpmCc code() {
        return layout().code();
    }

    /** The handle area, in Part 3 order. */
    default List<CommandHandle> handles() {
        return layout().handles();
    }

    /** Whether the response carries a handle (e.g. the object TPM2_Load loaded). */
    default boolean returnsHandle() {
        return layout().returnsHandle();
    }

    /**
     * Whether the first command parameter is a TPM2B, which a session with TPMA_SESSION.decrypt encrypts
     * (Part 3 puts a command's secret first where it has one). Derived from the declared parameters.
     */
    default boolean firstCommandParameterSized() {
        return layout().firstCommandParameterSized();
    }

    /** Whether the first response parameter is a TPM2B, which a session with TPMA_SESSION.encrypt encrypts. */
    default boolean firstResponseParameterSized() {
        return layout().firstResponseParameterSized();
    }

    /** Writes the parameters (everything after the handle and authorisation areas) as declared. */
    default void writeParameters(TpmWriter out) {
        layout().writeParameters(out);
    }

    /**
     * Parses the response parameters of a successful response.
     *
     * @param responseHandle the response's handle when {@link #returnsHandle()}, else 0
     */
    R readResponse(int responseHandle, TpmReader in);
}
