package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_PCR_Extend (Part 3, section 22.2): extends one PCR in each bank named by {@code digests}:
 * PCR := H(PCR || digest). The PCR handle needs authorisation (an empty password for most PCRs).
 */
public record PcrExtend(int pcr, Authorization pcrAuth, List<TaggedDigest> digests)
        implements TpmCommand<PcrExtend.Response> {

    public PcrExtend {
        if (pcr < 0 || pcr > 0xFFFF) {
            throw new IllegalArgumentException("not a PCR index: " + pcr);
        }
        digests = List.copyOf(digests);
    }

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.PCR_EXTEND;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(pcr, pcrAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        TaggedDigest.writeList(out, digests);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
