package io.tpm4j.api;

import io.tpm4j.api.types.TpmRc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Every secret channel of one TPM, shared by all views of it: the default one (salted to the storage root key) and
 * one per salt key a caller named, with the SRK Name they trust on first use.
 */
final class SecretChannels {

    private static final Logger log = LoggerFactory.getLogger(SecretChannels.class);

    /** The key the default channel is registered under. */
    private static final Object DEFAULT = new Object();

    private final AtomicReference<byte[]> srkName = new AtomicReference<>();
    private final Map<Object, SecretChannel> channels = new ConcurrentHashMap<>();

    /** The channel salted to {@code saltKey}, or to the storage root key when it is null; made on first use. */
    SecretChannel salted(CommandExecutor executor, SecretChannel.SaltKey saltKey) {
        return channels.computeIfAbsent(saltKey == null ? DEFAULT : saltKey,
                k -> new SecretChannel(executor, saltKey, srkName));
    }

    /**
     * Runs {@code call}; where the TPM has no room for another session and the channels hold idle ones (a TPM reached
     * without a resource manager has only a few session slots), those are flushed and the call is made once more. A
     * channel starts a session again when it next needs one.
     */
    <T> T withRoomForSessions(Supplier<T> call) {
        try {
            return call.get();
        } catch (TpmResponseException e) {
            if (!(e.is(TpmRc.SESSION_MEMORY) || e.is(TpmRc.SESSION_HANDLES)) || !flushIdle()) {
                throw e;
            }
            log.debug("the TPM has no room for another session; the secret channels' idle sessions were flushed");
            return call.get();
        }
    }

    /** Flushes the sessions no call is using; whether there were any. */
    private boolean flushIdle() {
        boolean any = false;
        for (SecretChannel c : channels.values()) {
            any |= c.flushIdle();
        }
        return any;
    }

    List<Integer> handles() {
        return channels.values().stream().flatMap(c -> c.handles().stream()).toList();
    }

    void close() {
        channels.values().forEach(SecretChannel::close);
    }
}
