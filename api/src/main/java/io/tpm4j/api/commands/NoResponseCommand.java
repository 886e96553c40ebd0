package io.tpm4j.api.commands;

import io.tpm4j.api.wire.TpmReader;

/** A command whose response has no parameters (most hierarchy, NV-control and policy commands). */
public interface NoResponseCommand extends TpmCommand<NoResponse> {

    /** Nothing to read; the engine fails a response that has parameters all the same. */
    @Override
    default NoResponse readResponse(int responseHandle, TpmReader in) {
        return NoResponse.INSTANCE;
    }
}
