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
 * TPM2_Create (Part 3, section 12.1): creates an ordinary object under a loaded storage parent and returns
 * it wrapped (outPrivate, encrypted by the parent) with its public area; TPM2_Load loads it.
 */
public record Create(int parentHandle, Authorization parentAuth, SensitiveCreate inSensitive, PublicArea inPublic,
                     byte[] outsideInfo, List<PcrSelection> creationPcr) implements TpmCommand<Create.Response> {

    /** The largest TPM2B_PRIVATE any TPM produces is well below this. */
    static final int MAX_PRIVATE = 2048;

    public Create {
        outsideInfo = outsideInfo.clone();
        creationPcr = List.copyOf(creationPcr);
    }

    public record Response(byte[] outPrivate, PublicArea outPublic, byte[] creationData, byte[] creationHash,
                           Ticket creationTicket) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.CREATE).authorized(parentHandle, parentAuth)
                .parameters(sized(inSensitive), sized(inPublic), sized(outsideInfo),
                        structures(creationPcr, PcrSelection::write))
                .sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(MAX_PRIVATE, "outPrivate"), PublicArea.readSized(in),
                in.tpm2b(in.remaining(), "creationData"), in.tpm2b(64, "creationHash"), Ticket.read(in, "creationTicket"));
    }
}
