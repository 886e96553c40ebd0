package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_PCR_Event (Part 3, section 22.3): the TPM hashes {@code eventData} (at most 1024 bytes) in every bank
 * and extends each bank's PCR with its digest; it returns the digests it extended.
 */
public record PcrEvent(int pcr, Authorization pcrAuth, byte[] eventData) implements TpmCommand<PcrEvent.Response> {

    public PcrEvent {
        eventData = eventData.clone();
        if (eventData.length > 1024) {
            throw new IllegalArgumentException("TPM2_PCR_Event takes at most 1024 bytes, not " + eventData.length);
        }
    }

    public record Response(List<TaggedDigest> digests) {
    }

    @Override
    public TpmCc code() {
        return TpmCc.PCR_EVENT;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(pcr, pcrAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(eventData);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(TaggedDigest.readList(in));
    }
}
