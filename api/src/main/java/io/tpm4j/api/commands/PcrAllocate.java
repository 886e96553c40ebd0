package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import java.util.List;

import static io.tpm4j.api.commands.Parameter.structures;

/** TPM2_PCR_Allocate (Part 3, section 22.5): the PCR banks to have after the next TPM Reset; platform authorisation. */
public record PcrAllocate(int authHandle, Authorization platformAuth, List<PcrSelection> pcrAllocation)
        implements TpmCommand<PcrAllocate.Response> {

    public PcrAllocate {
        pcrAllocation = List.copyOf(pcrAllocation);
    }

    public record Response(boolean allocationSuccess, int maxPcr, int sizeNeeded, int sizeAvailable) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.PCR_ALLOCATE).authorized(authHandle, platformAuth)
                .parameters(structures(pcrAllocation, PcrSelection::write));
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.bool("allocationSuccess"), in.u32("maxPCR"), in.u32("sizeNeeded"), in.u32("sizeAvailable"));
    }
}
