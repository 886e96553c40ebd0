package io.tpm4j.api;

/**
 * The one interface every way of reaching a TPM speaks: the bytes of one TPM command in, the bytes of
 * its response out. Devices, sockets, resource-manager spaces and test decorators all implement it.
 *
 * <p>Implementations are thread-safe: concurrent calls are serialised. {@link #close()} is idempotent,
 * and any {@link #transmit} after it fails with {@link IllegalStateException}. A lambda is a transport
 * that holds nothing to release, which suits decorators and tests.
 */
@FunctionalInterface
public interface TpmTransport extends AutoCloseable {

    /**
     * Sends one complete command (header included) and returns the complete response.
     *
     * @throws TpmTransportException when the transport fails (system call, timeout)
     * @throws TpmDeviceRemovedException when the TPM behind the transport is gone
     * @throws TpmProtocolException when the bytes that came back are not a well-formed response
     * @throws IllegalArgumentException when {@code command} is not a well-formed command
     */
    byte[] transmit(byte[] command);

    /** Releases the transport. Idempotent; transports that hold nothing need not override it. */
    @Override
    default void close() {
    }
}
