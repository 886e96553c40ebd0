package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import java.util.List;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structures;

/**
 * TPM2_CreatePrimary (Part 3, section 24.1): creates a primary object under a hierarchy from a template;
 * the same template under the same seed always gives the same key.
 */
public record CreatePrimary(int primaryHandle, Authorization hierarchyAuth, SensitiveCreate inSensitive,
                            PublicArea inPublic, byte[] outsideInfo, List<PcrSelection> creationPcr)
        implements TpmCommand<CreatePrimary.Response> {

    public CreatePrimary {
        outsideInfo = outsideInfo.clone();
        creationPcr = List.copyOf(creationPcr);
    }

    /** The created object: its handle, public area, creation data and ticket, and its Name. */
    public record Response(int objectHandle, PublicArea outPublic, byte[] creationData, byte[] creationHash,
                           Ticket creationTicket, byte[] name) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.CREATE_PRIMARY).authorized(primaryHandle, hierarchyAuth)
                .parameters(sized(inSensitive), sized(inPublic), sized(outsideInfo),
                        structures(creationPcr, PcrSelection::write))
                .returningHandle().sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        PublicArea outPublic = PublicArea.readSized(in);
        byte[] creationData = in.tpm2b(in.remaining(), "creationData");
        byte[] creationHash = in.tpm2b(64, "creationHash");
        Ticket ticket = Ticket.read(in, "creationTicket");
        byte[] name = in.tpm2b(2 + 64, "name");
        return new Response(responseHandle, outPublic, creationData, creationHash, ticket, name);
    }
}
