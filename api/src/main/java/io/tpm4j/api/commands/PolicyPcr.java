package io.tpm4j.api.commands;

import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_PolicyPCR (Part 3, section 23.7): the selected PCRs must have the values whose digest is pcrDigest (empty: their current values). */
public record PolicyPcr(int policySession, byte[] pcrDigest, List<PcrSelection> pcrs) implements TpmCommand<PolicyPcr.Response> {

    public PolicyPcr {
        pcrDigest = pcrDigest.clone();
        pcrs = List.copyOf(pcrs);
    }

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.POLICY_PCR;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.of(policySession));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(pcrDigest);
        PcrSelection.writeList(out, pcrs);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
