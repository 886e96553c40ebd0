package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_SequenceUpdate (Part 3, section 17.5): adds up to TPM_PT_INPUT_BUFFER bytes to a hash or HMAC sequence. */
public record SequenceUpdate(int sequenceHandle, Authorization sequenceAuth, byte[] buffer)
        implements TpmCommand<SequenceUpdate.Response> {

    public SequenceUpdate {
        buffer = buffer.clone();
    }

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.SEQUENCE_UPDATE;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(sequenceHandle, sequenceAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(buffer);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
