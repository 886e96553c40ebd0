package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TpmCc;

import java.util.List;

import static io.tpm4j.api.commands.Parameter.structures;

/**
 * TPM2_PCR_Extend (Part 3, section 22.2): extends one PCR in each bank named by {@code digests}:
 * PCR := H(PCR || digest). The PCR handle needs authorisation (an empty password for most PCRs).
 */
public record PcrExtend(int pcr, Authorization pcrAuth, List<TaggedDigest> digests)
        implements NoResponseCommand {

    public PcrExtend {
        if (pcr < 0 || pcr > 0xFFFF) {
            throw new IllegalArgumentException("not a PCR index: " + pcr);
        }
        digests = List.copyOf(digests);
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.PCR_EXTEND).authorized(pcr, pcrAuth)
                .parameters(structures(digests, TaggedDigest::write));
    }
}
