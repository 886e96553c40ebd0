package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.u32;

/** TPM2_SequenceComplete (Part 3, section 17.6): adds the last bytes, returns the digest and ends the sequence. */
public record SequenceComplete(int sequenceHandle, Authorization sequenceAuth, byte[] buffer, int hierarchy)
        implements TpmCommand<SequenceComplete.Response> {

    public SequenceComplete {
        buffer = buffer.clone();
    }

    public record Response(byte[] result, Ticket validation) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.SEQUENCE_COMPLETE).authorized(sequenceHandle, sequenceAuth)
                .parameters(sized(buffer), u32(hierarchy)).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(64, "result"), Ticket.read(in, "validation"));
    }
}
