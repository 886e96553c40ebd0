package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

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
    public TpmCc code() {
        return TpmCc.EVENT_SEQUENCE_COMPLETE;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(pcr, pcrAuth), CommandHandle.authorized(sequenceHandle, sequenceAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(buffer);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(TaggedDigest.readList(in));
    }
}
