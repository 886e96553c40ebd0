package io.tpm4j.api;

import io.tpm4j.api.commands.EncryptDecrypt2;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.Hmac;
import io.tpm4j.api.commands.HmacStart;
import io.tpm4j.api.commands.SequenceComplete;
import io.tpm4j.api.commands.SequenceUpdate;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRh;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Map;

/**
 * The facade's calls that take data of any length: fed to the TPM in pieces its buffers accept (hash and HMAC
 * sequences, chained symmetric encryption), in the secret channel where the data is secret.
 */
final class BulkCalls {

    /** Hash sequences are fed in pieces no larger than the smallest TPM_PT_INPUT_BUFFER (1024). */
    private static final int SEQUENCE_CHUNK = 1024;

    private BulkCalls() {
    }

    static byte[] hmac(SecretCalls calls, TpmObject key, byte[] data) {
        if (data.length <= SEQUENCE_CHUNK) {
            return calls.authorized(Authorization.emptyPassword(), a -> new Hmac(key.handle(), a, data,
                    TpmAlg.NULL.value()), SecretCalls.names(key)).outHmac();
        }
        // A sequence's commands share one session of the channel.
        return calls.secretly(channel -> {
            Authorization auth = SecretCalls.protect(Authorization.emptyPassword(), channel);
            return completeSequence(calls, calls.run(new HmacStart(key.handle(), auth, new byte[0],
                    TpmAlg.NULL.value()), SecretCalls.names(key)).sequenceHandle(), data, channel);
        });
    }

    /** Feeds {@code data} to a hash or HMAC sequence in TPM-buffer chunks and completes it; flushes it on failure. */
    static byte[] completeSequence(SecretCalls calls, int sequence, byte[] data, AuthSession channel) {
        Authorization auth = SecretCalls.protect(Authorization.emptyPassword(), channel);
        Map<Integer, byte[]> name = Map.of(sequence, new byte[0]); // a sequence has an empty Name
        try {
            int offset = 0;
            for (; data.length - offset > SEQUENCE_CHUNK; offset += SEQUENCE_CHUNK) {
                calls.run(new SequenceUpdate(sequence, auth, Arrays.copyOfRange(data, offset, offset + SEQUENCE_CHUNK)),
                        name);
            }
            // SequenceComplete ends the sequence only when it succeeds.
            return calls.run(new SequenceComplete(sequence, auth, Arrays.copyOfRange(data, offset, data.length),
                    TpmRh.NULL), name).result();
        } catch (TpmResponseException | TpmProtocolException | TpmIntegrityException e) {
            try {
                calls.run(new FlushContext(sequence), Map.of());
            } catch (TpmException flush) {
                e.addSuppressed(flush);
            }
            throw e;
        }
    }

    /** Encrypts or decrypts in TPM-buffer chunks, each continuing from the previous chunk's IV. */
    static byte[] symmetric(SecretCalls calls, TpmObject key, byte[] iv, byte[] data, boolean decrypt) {
        Map<Integer, byte[]> name = SecretCalls.names(key);
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length);
        byte[] chainIv = iv;
        int offset = 0;
        do {
            int end = Math.min(data.length, offset + EncryptDecrypt2.MAX_BUFFER);
            byte[] chunk = Arrays.copyOfRange(data, offset, end);
            byte[] chunkIv = chainIv;
            EncryptDecrypt2.Response r = calls.authorized(Authorization.emptyPassword(), a -> new EncryptDecrypt2(
                    key.handle(), a, chunk, decrypt, TpmAlg.NULL.value(), chunkIv), name);
            out.writeBytes(r.outData());
            chainIv = r.ivOut();
            offset = end;
        } while (offset < data.length);
        return out.toByteArray();
    }
}
