package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.sized;

/** TPM2_SequenceUpdate (Part 3, section 17.5): adds up to TPM_PT_INPUT_BUFFER bytes to a hash or HMAC sequence. */
public record SequenceUpdate(int sequenceHandle, Authorization sequenceAuth, byte[] buffer)
        implements NoResponseCommand {

    public SequenceUpdate {
        buffer = buffer.clone();
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.SEQUENCE_UPDATE).authorized(sequenceHandle, sequenceAuth)
                .parameters(sized(buffer));
    }
}
