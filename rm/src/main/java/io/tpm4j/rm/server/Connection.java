package io.tpm4j.rm.server;

import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmException;
import io.tpm4j.api.TpmTimeoutException;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.wire.BigEndian;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.ffi.SocketConnection;
import io.tpm4j.rm.RmCounters;
import io.tpm4j.rm.Space;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * One client connection and the space it owns, served on a virtual thread of its own until the client leaves,
 * sends something that is not a frame, stays idle past the idle timeout, or the server or the TPM goes away.
 * Whatever ends it, the space is closed, which flushes everything the client left in the TPM, and then the
 * socket is closed and the connection's slot given back, even if closing the space failed.
 */
final class Connection implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    /** The command's outcome is unknown (the TPM did not answer in time): TPM_RC_CANCELED, RM layer. */
    private static final int TPM_DID_NOT_ANSWER = (ResponseCode.RESOURCE_MANAGER_LAYER << 16) | TpmRc.CANCELED.value();
    private static final int LOCALITY_REFUSED = (ResponseCode.RESOURCE_MANAGER_LAYER << 16) | TpmRc.LOCALITY.value();

    // The Microsoft simulator's socket commands (TpmTcpProtocol.h).
    private static final int SIGNAL_POWER_ON = 1;
    private static final int SIGNAL_RESET = 17;
    private static final int SIGNAL_RESTART = 18;
    private static final int SIGNAL_HASH_START = 5;
    private static final int SIGNAL_HASH_DATA = 6;
    private static final int SIGNAL_HASH_END = 7;
    private static final int SEND_COMMAND = 8;
    private static final int REMOTE_HANDSHAKE = 15;
    private static final int SESSION_END = 20;
    private static final int STOP = 21;
    /** What REMOTE_HANDSHAKE reports: protocol version 1; TPM present, platform available, no NV/power control. */
    private static final int SERVER_VERSION = 1;
    private static final int TPM_PLATFORM_AVAILABLE = 0x1;
    private static final int INBOX = 8192;

    /** An idle timeout of zero means none; waits are still cut into pieces this long. */
    private static final Duration FOREVER = Duration.ofDays(1);

    final long id;
    final ConnectionSlots.Pool pool;
    final String peer;
    private final RmServer server;
    private final SocketConnection socket;
    private final RmServer.Kind kind;
    private volatile Thread thread;
    /** Whether the connection waits for its client's next command (and may be ended without losing an answer). */
    private volatile boolean betweenCommands;
    private Space space;
    private final byte[] inbox = new byte[INBOX];
    private int inboxStart;
    private int inboxEnd;

    Connection(RmServer server, long id, SocketConnection socket, RmServer.Kind kind, ConnectionSlots.Pool pool,
               String peer) {
        this.server = server;
        this.id = id;
        this.socket = socket;
        this.kind = kind;
        this.pool = pool;
        this.peer = peer;
    }

    Thread thread() {
        return thread;
    }

    /**
     * Serves the connection on a virtual thread of its own: its socket waits park it (no native call blocks),
     * and only the TPM command itself, one at a time under the chip's lock, holds a carrier thread.
     */
    void start() {
        thread = Thread.ofVirtual().name("tpm4j-conn-" + id).unstarted(this);
        thread.start();
    }

    void wake() {
        socket.wake();
    }

    /** Ends the connection if it is waiting for its client's next command. */
    void wakeIfIdle() {
        if (betweenCommands) {
            socket.wake();
        }
    }

    /** Gives up a connection that never got its thread. */
    void abandon() {
        socket.close();
    }

    @Override
    public void run() {
        String reason = "the client closed the connection";
        try {
            if (kind == RmServer.Kind.RAW || kind == RmServer.Kind.MSSIM_COMMAND) {
                // The peer groups this connection's space with the peer's others: they take one turn at the TPM together.
                space = server.rm.openSpace("conn-" + id + socket.peer().map(p -> " pid " + p.pid()).orElse(""), peer);
            }
            if (space != null) {
                log.info("connection {} opened: {} ({})", id, socket, kind.name().toLowerCase(java.util.Locale.ROOT));
            } else {
                log.debug("connection {} opened: {} ({})", id, socket, kind.name().toLowerCase(java.util.Locale.ROOT));
            }
            reason = switch (kind) {
                case RAW -> serveRaw();
                case MSSIM_COMMAND -> serveMssim();
                case MSSIM_PLATFORM -> servePlatform();
                case HEALTH -> serveHealth();
            };
        } catch (Malformed e) {
            server.malformed.incrementAndGet();
            reason = "malformed: " + e.getMessage();
            log.warn("connection {} ({}): {}; closing it", id, socket, reason);
        } catch (TpmTransportException e) {
            reason = e.getMessage();
        } catch (TpmDeviceRemovedException e) {
            reason = "the TPM is gone";
        } catch (RuntimeException e) {
            reason = "internal error: " + e;
            log.error("connection {} ({}): {}", id, socket, reason, e);
        } finally {
            RmCounters spent = closeSpace();
            try {
                socket.close();
            } catch (RuntimeException e) {
                log.error("connection {} ({}): closing the socket failed: {}", id, socket, e.toString(), e);
            } finally {
                server.ended(this);
            }
            if (spent == null) {
                log.debug("connection {} closed: {}", id, reason);
            } else {
                log.info("connection {} closed after {} commands ({} to the TPM): {}", id, spent.clientCommands(),
                        spent.tpmCommands(), reason);
            }
        }
    }

    /** Closes the space, if any, flushing what it held; what it cost, or null. A failure is logged, never thrown. */
    private RmCounters closeSpace() {
        if (space == null) {
            return null;
        }
        RmCounters spent = null;
        try {
            spent = space.counters();
            space.close();
        } catch (RuntimeException e) {
            log.error("connection {} ({}): closing its space failed: {}", id, socket, e.toString(), e);
        }
        return spent;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Raw: TPM command in, TPM response out.

    private String serveRaw() throws Malformed {
        byte[] header = new byte[TpmHeader.SIZE];
        while (true) {
            String idle = awaitFrame(header);
            if (idle != null) {
                return idle;
            }
            int size = frameSize(declaredSize(header));
            byte[] command = new byte[size];
            System.arraycopy(header, 0, command, 0, header.length);
            readRest(command, header.length);
            Outcome outcome = execute(command);
            socket.write(outcome.response, server.options.writeTimeout());
            if (outcome.closeReason != null) {
                return outcome.closeReason;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // mssim: a 4-byte simulator command first; SEND_COMMAND carries locality, size and the TPM command.

    private String serveMssim() throws Malformed {
        byte[] word = new byte[4];
        while (true) {
            String idle = awaitFrame(word);
            if (idle != null) {
                return idle;
            }
            int simulatorCommand = BigEndian.u32(word, 0);
            switch (simulatorCommand) {
                case SEND_COMMAND -> {
                    byte[] prefix = new byte[5];
                    readRest(prefix, 0);
                    int locality = prefix[0] & 0xFF;
                    int size = frameSize(BigEndian.u32(prefix, 1));
                    byte[] command = new byte[size];
                    readRest(command, 0);
                    if (declaredSize(command) != size) {
                        throw new Malformed("the TPM command's size field says " + declaredSize(command)
                                + " bytes but the simulator frame carries " + size);
                    }
                    Outcome outcome = locality == 0 ? execute(command) : refuseLocality(command, locality);
                    byte[] framed = new TpmWriter(outcome.response.length + 8).u32(outcome.response.length)
                            .bytes(outcome.response).u32(0).toByteArray();
                    socket.write(framed, server.options.writeTimeout());
                    if (outcome.closeReason != null) {
                        return outcome.closeReason;
                    }
                }
                case REMOTE_HANDSHAKE -> {
                    byte[] clientVersion = new byte[4];
                    readRest(clientVersion, 0);
                    socket.write(new TpmWriter(12).u32(SERVER_VERSION).u32(TPM_PLATFORM_AVAILABLE).u32(0).toByteArray(),
                            server.options.writeTimeout());
                }
                case SESSION_END -> {
                    return "the client ended its session";
                }
                default -> throw new Malformed("simulator command " + Integer.toUnsignedString(simulatorCommand)
                        + " on the TPM command socket");
            }
        }
    }

    private Outcome refuseLocality(byte[] command, int locality) {
        log.info("connection {}: {} at locality {} refused: this server sends every command at locality 0", id,
                TpmCc.describe(TpmHeader.commandCode(command)), locality);
        return new Outcome(TpmHeader.headerOnlyResponse(LOCALITY_REFUSED), null);
    }

    /**
     * The platform socket: power, NV, cancel and physical-presence signals are acknowledged as a simulator
     * would, but change nothing: the TPM is shared, so no client may power-cycle or reset it.
     */
    private String servePlatform() throws Malformed {
        byte[] word = new byte[4];
        while (true) {
            String idle = awaitFrame(word);
            if (idle != null) {
                return idle;
            }
            int signal = BigEndian.u32(word, 0);
            if (signal == SESSION_END) {
                return "the client ended its session";
            }
            if (signal == STOP || signal == SIGNAL_HASH_DATA || signal == SIGNAL_HASH_START || signal == SIGNAL_HASH_END
                    || signal == SEND_COMMAND || signal == REMOTE_HANDSHAKE || signal < SIGNAL_POWER_ON || signal > 60) {
                throw new Malformed("platform signal " + Integer.toUnsignedString(signal) + " is not supported by a shared TPM");
            }
            if (signal == SIGNAL_RESET || signal == SIGNAL_RESTART) {
                log.info("connection {}: platform signal {} acknowledged but not forwarded: the TPM is shared", id, signal);
            }
            socket.write(new byte[4], server.options.writeTimeout());
        }
    }

    private String serveHealth() {
        socket.write((server.health().toJson() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                server.options.writeTimeout());
        return "health reported";
    }

    // ---------------------------------------------------------------------------------------------------------

    private record Outcome(byte[] response, String closeReason) {
    }

    private Outcome execute(byte[] command) {
        try {
            return new Outcome(space.transmit(command), null);
        } catch (TpmDeviceRemovedException e) {
            server.tpmGone();
            return new Outcome(TpmHeader.headerOnlyResponse(ResponseCode.RM_TPM_GONE), "the TPM is gone");
        } catch (TpmTimeoutException e) {
            log.warn("connection {}: {}", id, e.getMessage());
            return new Outcome(TpmHeader.headerOnlyResponse(TPM_DID_NOT_ANSWER), null);
        } catch (IllegalStateException e) {
            // The space was closed under us: the server is stopping.
            return new Outcome(TpmHeader.headerOnlyResponse(ResponseCode.RM_TPM_GONE), "the server is stopping");
        } catch (TpmException e) {
            log.warn("connection {}: {} failed: {}", id, TpmCc.describe(TpmHeader.commandCode(command)), e.getMessage());
            return new Outcome(TpmHeader.headerOnlyResponse(TPM_DID_NOT_ANSWER), null);
        }
    }

    /**
     * Waits for the first bytes of the next frame and reads the rest of {@code into}; returns why the
     * connection should end instead (client gone, idle too long, server stopping, TPM gone), or null when
     * {@code into} is full.
     */
    private String awaitFrame(byte[] into) throws Malformed {
        Duration idle = server.options.idleTimeout();
        long idleDeadline = System.nanoTime() + (idle.isZero() ? 0 : idle.toNanos());
        betweenCommands = true;
        try {
            while (true) {
                // After betweenCommands is set, so that either this sees the TPM gone or the watcher sees us idle.
                if (space != null && server.tpmGone()) {
                    return "the TPM is gone";
                }
                long left = idleDeadline - System.nanoTime();
                if (!idle.isZero() && left <= 0) {
                    return "idle for " + idle.toSeconds() + " s (--idle-timeout)";
                }
                int n = fill(idle.isZero() ? FOREVER : Duration.ofNanos(left));
                if (n < 0) {
                    return server.isClosing() ? "the server is stopping"
                            : space != null && server.tpmGone() ? "the TPM is gone" : "the client closed the connection";
                }
                if (n > 0) {
                    betweenCommands = false;
                    readRest(into, 0);
                    return null;
                }
                if (server.isClosing()) {
                    return "the server is stopping";
                }
            }
        } finally {
            betweenCommands = false;
        }
    }

    /** Fills {@code into} from {@code from} on, from what is buffered and then from the socket, within the frame timeout. */
    private void readRest(byte[] into, int from) throws Malformed {
        long deadline = System.nanoTime() + server.options.frameTimeout().toNanos();
        int done = from;
        while (done < into.length) {
            int available = inboxEnd - inboxStart;
            if (available > 0) {
                int n = Math.min(available, into.length - done);
                System.arraycopy(inbox, inboxStart, into, done, n);
                inboxStart += n;
                done += n;
                continue;
            }
            long left = deadline - System.nanoTime();
            int n = left > 0 ? fill(Duration.ofNanos(left)) : 0;
            if (n < 0) {
                throw new Malformed("the client closed the connection in the middle of a frame");
            }
            if (n == 0) {
                throw new Malformed("the client sent " + done + " of " + into.length + " bytes and then nothing for "
                        + server.options.frameTimeout().toMillis() + " ms");
            }
        }
    }

    /**
     * Buffered bytes, or else what one read brings within {@code timeout}: a client's header, size and command
     * usually arrive together, and are taken in one read instead of three.
     *
     * @return bytes now buffered; 0 on timeout; -1 at the end of the stream
     */
    private int fill(Duration timeout) {
        if (inboxStart < inboxEnd) {
            return inboxEnd - inboxStart;
        }
        inboxStart = 0;
        inboxEnd = 0;
        int n = socket.read(inbox, 0, inbox.length, timeout);
        if (n > 0) {
            inboxEnd = n;
        }
        return n;
    }

    private int frameSize(long size) throws Malformed {
        if (size < TpmHeader.SIZE || size > server.options.maxFrame()) {
            throw new Malformed("a frame of " + size + " bytes (" + TpmHeader.SIZE + " to "
                    + server.options.maxFrame() + " allowed)");
        }
        return (int) size;
    }

    /** The size field of a TPM command header, unsigned. */
    private static long declaredSize(byte[] header) {
        return Integer.toUnsignedLong(TpmHeader.declaredSize(header, header.length));
    }


    /** The client broke the framing; the connection ends and nothing else is touched. */
    private static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }
}
