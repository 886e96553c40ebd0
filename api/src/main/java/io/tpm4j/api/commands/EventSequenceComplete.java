package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import java.util.List;

import static io.tpm4j.api.commands.Parameter.sized;

/**
 * TPM2_EventSequenceComplete (Part 3, section 17.7): ends an event sequence (HashSequenceStart with
 * TPM_ALG_NULL) with a digest in every bank, extending {@code pcr} with them unless it is TPM_RH_NULL.
 */
public record EventSequenceComplete(int pcr, Authorization pcrAuth, int sequenceHandle, Authorization sequenceAuth,
                                    byte[] buffer) implements TpmCommand<EventSequenceComplete.Response> {

    public EventSequenceComplete {
        buffer = buffer.clone();
    }

    public record Response(List<TaggedDigest> results) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.EVENT_SEQUENCE_COMPLETE).authorized(pcr, pcrAuth)
                .authorized(sequenceHandle, sequenceAuth)
                .parameters(sized(buffer));
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(TaggedDigest.readList(in));
    }
}
