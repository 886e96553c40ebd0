package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.u16;

/**
 * TPM2_HashSequenceStart (Part 3, section 17.4): starts a hash of data longer than one command can carry;
 * {@code auth} authorises the sequence's later updates. TPM_ALG_NULL starts an event sequence.
 */
public record HashSequenceStart(byte[] auth, TpmAlg hashAlg) implements TpmCommand<HashSequenceStart.Response> {

    public HashSequenceStart {
        auth = auth.clone();
    }

    public record Response(int sequenceHandle) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.HASH_SEQUENCE_START)
                .parameters(sized(auth), u16(hashAlg.value())).returningHandle();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(responseHandle);
    }
}
