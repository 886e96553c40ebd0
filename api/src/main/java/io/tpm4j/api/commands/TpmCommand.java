package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

/**
 * One TPM 2.0 command: its code, how its handles and parameters marshal, and how its response parses.
 * Each Part 3 command is a record implementing this, run with {@code Tpm.execute}.
 *
 * @param <R> the response record
 */
public interface TpmCommand<R> {

    TpmCc code();

    /** Writes the handle area and the parameters (everything after the header). */
    void writeBody(TpmWriter out);

    /** Parses the response parameters of a successful response (everything after the header). */
    R readResponse(TpmReader in);
}
