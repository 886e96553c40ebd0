package io.tpm4j.api.commands;

import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import java.util.ArrayList;
import java.util.List;

import static io.tpm4j.api.commands.Parameter.structures;

/**
 * TPM2_PCR_Read (Part 3, section 22.4): the values of the selected PCRs. The TPM returns at most 8
 * digests per call and says in {@code pcrSelectionOut} which ones it returned.
 */
public record PcrRead(List<PcrSelection> pcrSelectionIn) implements TpmCommand<PcrRead.Response> {

    /** TPML_DIGEST holds at most 8 digests. */
    public static final int MAX_DIGESTS = 8;
    private static final int MAX_DIGEST_SIZE = 64;

    public PcrRead {
        pcrSelectionIn = List.copyOf(pcrSelectionIn);
    }

    public record Response(int pcrUpdateCounter, List<PcrSelection> pcrSelectionOut, List<byte[]> pcrValues) {
        public Response {
            pcrSelectionOut = List.copyOf(pcrSelectionOut);
            pcrValues = List.copyOf(pcrValues);
        }
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.PCR_READ).parameters(structures(pcrSelectionIn, PcrSelection::write));
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        int counter = in.u32("pcrUpdateCounter");
        List<PcrSelection> selected = PcrSelection.readList(in);
        int n = in.count(MAX_DIGESTS, 2, "TPML_DIGEST");
        List<byte[]> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(in.tpm2b(MAX_DIGEST_SIZE, "pcrValues[" + i + "]"));
        }
        return new Response(counter, selected, values);
    }
}
