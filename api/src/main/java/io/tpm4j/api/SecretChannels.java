package io.tpm4j.api;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Every secret channel of one TPM, shared by all views of it: the default one (salted to the storage root key) and
 * one per salt key a caller named, with the SRK Name they trust on first use.
 */
final class SecretChannels {

    /** The key the default channel is registered under. */
    private static final Object DEFAULT = new Object();

    private final AtomicReference<byte[]> srkName = new AtomicReference<>();
    private final Map<Object, SecretChannel> channels = new ConcurrentHashMap<>();

    /** The channel salted to {@code saltKey}, or to the storage root key when it is null; made on first use. */
    SecretChannel salted(CommandExecutor executor, SecretChannel.SaltKey saltKey) {
        return channels.computeIfAbsent(saltKey == null ? DEFAULT : saltKey,
                k -> new SecretChannel(executor, saltKey, srkName));
    }

    /** Flushes the sessions no call is using; whether there were any. */
    boolean flushIdle() {
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
