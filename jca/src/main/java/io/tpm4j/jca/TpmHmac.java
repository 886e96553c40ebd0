package io.tpm4j.jca;

import io.tpm4j.api.commands.Hmac;
import io.tpm4j.api.commands.HmacStart;
import io.tpm4j.api.commands.SequenceComplete;
import io.tpm4j.api.commands.SequenceUpdate;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.TpmException;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRh;

import javax.crypto.MacSpi;
import java.io.ByteArrayOutputStream;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;

/**
 * HmacSHA256 with a TPM HMAC key: one TPM2_HMAC for up to {@link #ONE_COMMAND} bytes, else an HMAC sequence fed in
 * pieces of that size. The MAC comes back encrypted in a salted session.
 */
final class TpmHmac extends MacSpi {

    /** What every TPM takes in one buffer (the smallest TPM_PT_INPUT_BUFFER). */
    static final int ONE_COMMAND = 1024;

    private TpmHmacKey key;
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    @Override
    protected int engineGetMacLength() {
        return 32;
    }

    @Override
    protected void engineInit(Key k, AlgorithmParameterSpec params) throws InvalidKeyException,
            InvalidAlgorithmParameterException {
        if (params != null) {
            throw new InvalidAlgorithmParameterException("HmacSHA256 takes no parameters");
        }
        if (!(k instanceof TpmHmacKey tpmKey)) {
            throw new InvalidKeyException("tpm4j's HmacSHA256 takes a TPM HMAC key (TpmHmacKey), not "
                    + (k == null ? "null" : k.getClass().getName()));
        }
        key = tpmKey;
        data.reset();
    }

    @Override
    protected void engineUpdate(byte input) {
        data.write(input);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
        data.write(input, offset, len);
    }

    @Override
    protected byte[] engineDoFinal() {
        if (key == null) {
            throw new IllegalStateException("not initialised");
        }
        byte[] message = data.toByteArray();
        data.reset();
        TpmConnection connection = key.provider().connection();
        if (message.length <= ONE_COMMAND) {
            return connection.run(key, (loaded, auth) -> new Hmac(loaded.handle(), auth, message,
                    TpmAlg.NULL.value())).outHmac();
        }
        int sequence = connection.run(key, (loaded, auth) -> new HmacStart(loaded.handle(), auth, new byte[0],
                TpmAlg.NULL.value())).sequenceHandle();
        try {
            int offset = 0;
            for (; message.length - offset > ONE_COMMAND; offset += ONE_COMMAND) {
                connection.tpm().execute(new SequenceUpdate(sequence, Authorization.emptyPassword(),
                        Arrays.copyOfRange(message, offset, offset + ONE_COMMAND)));
            }
            byte[] last = Arrays.copyOfRange(message, offset, message.length);
            // A sequence's Name is empty.
            return connection.secretly(s -> connection.tpm().execute(new SequenceComplete(sequence,
                    Authorization.session(s, new byte[0]), last, TpmRh.NULL))).result();
        } catch (TpmException e) {
            try {
                connection.tpm().execute(new FlushContext(sequence));
            } catch (TpmException flush) {
                e.addSuppressed(flush);
            }
            throw e;
        }
    }

    @Override
    protected void engineReset() {
        data.reset();
    }
}
