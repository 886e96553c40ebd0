package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

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
    public TpmCc code() {
        return TpmCc.HASH_SEQUENCE_START;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public boolean returnsHandle() {
        return true;
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(auth).u16(hashAlg.value());
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(responseHandle);
    }
}
