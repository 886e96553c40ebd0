package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import java.util.List;

import static io.tpm4j.api.commands.Parameter.sized;

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
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.PCR_EVENT).authorized(pcr, pcrAuth).parameters(sized(eventData));
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(TaggedDigest.readList(in));
    }
}
