package io.tpm4j.api.transport;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.api.wire.TpmWriter;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * TPM commands in the Microsoft TPM 2.0 simulator's protocol (tpm2-tss's {@code mssim} TCTI), on the simulator's
 * TPM command socket: tpm4j's server ({@code ./tpm4j serve --mssim ...}), the Microsoft and IBM simulators, and
 * swtpm's TCP data channel (which recognises this framing besides raw commands). Each command goes as
 * {@code u32 SEND_COMMAND, u8 locality, u32 size, command}; the simulator answers {@code u32 size, response,
 * u32 0}, the trailing word an acknowledgement that must be zero. {@link #close()} sends {@code SESSION_END}.
 *
 * <p>Only the command socket is used: a simulator must be powered on by whoever started it (tpm4j's server
 * needs nothing; a fresh Microsoft or IBM simulator needs its platform socket's power-on and NV-on signals).
 * Every command has a deadline; after a timeout or a framing error the connection is closed, since a late or
 * misframed response would otherwise be taken for the next command's.
 */
public final class MssimTransport implements TpmTransport {

    /** The simulator's TPM_SEND_COMMAND. */
    static final int SEND_COMMAND = 8;
    /** The simulator's TPM_SESSION_END: the client is leaving. */
    static final int SESSION_END = 20;
    /** Responses larger than this are refused before anything is allocated for them. */
    public static final int MAX_RESPONSE = SocketTransport.MAX_RESPONSE;
    /** Commands go at locality 0, as tpm2-tss's TCTI sends them. */
    private static final int LOCALITY = 0;
    /** How long {@link #close()} waits to hand SESSION_END to the socket. */
    private static final Duration GOODBYE = Duration.ofSeconds(1);

    private final StreamSocket socket;
    private final CommandTimeouts timeouts;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;

    private MssimTransport(StreamSocket socket, CommandTimeouts timeouts) {
        this.socket = socket;
        this.timeouts = timeouts;
    }

    /** Connects to a simulator's TPM command port (its platform port, PORT+1, is not used). */
    public static MssimTransport connectTcp(String host, int port, CommandTimeouts timeouts) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("TCP port " + port + " out of range (1 to 65535)");
        }
        return new MssimTransport(StreamSocket.connect("mssim:host=" + host + ",port=" + port,
                new InetSocketAddress(host, port)), timeouts);
    }

    /** Connects to a simulator's TPM command socket on a Unix socket (as {@code ./tpm4j serve --mssim unix:PATH}). */
    public static MssimTransport connectUnix(Path path, CommandTimeouts timeouts) {
        return new MssimTransport(StreamSocket.connect("mssim:path=" + path, UnixDomainSocketAddress.of(path)),
                timeouts);
    }

    @Override
    public byte[] transmit(byte[] command) {
        int code = TpmHeader.commandCode(command);
        if (TpmHeader.ofCommand(command).size() != command.length) {
            throw new IllegalArgumentException("the command's size field does not match its " + command.length + " bytes");
        }
        Duration timeout = timeouts.forCommand(code);
        lock.lock();
        try {
            socket.checkUsable(closed);
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                socket.write(ByteBuffer.wrap(new TpmWriter(9 + command.length).u32(SEND_COMMAND).u8(LOCALITY)
                        .u32(command.length).bytes(command).toByteArray()), deadline, code, timeout);
                ByteBuffer length = ByteBuffer.allocate(4);
                socket.fill(length, deadline, code, timeout);
                int size = length.getInt(0);
                if (size < TpmHeader.SIZE || size > MAX_RESPONSE) {
                    throw framingLost(code, "declares a response of " + Integer.toUnsignedString(size) + " bytes");
                }
                ByteBuffer response = ByteBuffer.allocate(size + 4);
                socket.fill(response, deadline, code, timeout);
                int ack = response.getInt(size);
                if (ack != 0) {
                    throw framingLost(code, "ends with acknowledgement " + Integer.toUnsignedString(ack) + ", not 0");
                }
                byte[] out = java.util.Arrays.copyOf(response.array(), size);
                if (TpmHeader.declaredSize(out, out.length) != size) {
                    throw framingLost(code, "frames " + size + " bytes but the TPM response inside declares "
                            + Integer.toUnsignedString(TpmHeader.declaredSize(out, out.length)));
                }
                return socket.unlessServerTpmGone(out, code);
            } catch (StreamSocket.Failure e) {
                throw socket.failed(e);
            }
        } finally {
            lock.unlock();
        }
    }

    private TpmProtocolException framingLost(int code, String what) {
        socket.giveUp("framing lost after a malformed simulator frame");
        return new TpmProtocolException(socket.name() + ": the simulator frame answering " + TpmCc.describe(code)
                + " " + what + "; the connection was closed", 0);
    }

    /** Sends SESSION_END (best effort, briefly) and closes. Idempotent; a command in flight fails at once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        socket.closing();
        lock.lock();
        try {
            if (socket.usable()) {
                try {
                    socket.write(ByteBuffer.allocate(4).putInt(0, SESSION_END), System.nanoTime() + GOODBYE.toNanos(),
                            TpmCc.FLUSH_CONTEXT.value(), GOODBYE);
                } catch (StreamSocket.Failure | IllegalStateException e) {
                    // The peer is gone or slow: closing is all that is left to do.
                }
            }
            socket.close();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "MssimTransport[" + socket.name() + "]";
    }
}
