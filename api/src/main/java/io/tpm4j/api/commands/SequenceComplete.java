package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_SequenceComplete (Part 3, section 17.6): adds the last bytes, returns the digest and ends the sequence. */
public record SequenceComplete(int sequenceHandle, Authorization sequenceAuth, byte[] buffer, int hierarchy)
        implements TpmCommand<SequenceComplete.Response> {

    public SequenceComplete {
        buffer = buffer.clone();
    }

    public record Response(byte[] result, Ticket validation) {
    }

    @Override
    public TpmCc code() {
        return TpmCc.SEQUENCE_COMPLETE;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public boolean firstResponseParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(sequenceHandle, sequenceAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(buffer).u32(hierarchy);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(64, "result"), Ticket.read(in, "validation"));
    }
}
