package io.tpm4j.api.commands;

import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.TpmCc;

import java.util.List;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structures;

/** TPM2_PolicyPCR (Part 3, section 23.7): the selected PCRs must have the values whose digest is pcrDigest (empty: their current values). */
public record PolicyPcr(int policySession, byte[] pcrDigest, List<PcrSelection> pcrs) implements NoResponseCommand {

    public PolicyPcr {
        pcrDigest = pcrDigest.clone();
        pcrs = List.copyOf(pcrs);
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.POLICY_PCR).handle(policySession)
                .parameters(sized(pcrDigest), structures(pcrs, PcrSelection::write));
    }
}
