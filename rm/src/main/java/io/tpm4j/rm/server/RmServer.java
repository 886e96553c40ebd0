package io.tpm4j.rm.server;

import io.tpm4j.api.TpmTransportException;
import io.tpm4j.ffi.SocketConnection;
import io.tpm4j.ffi.SocketListener;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.RmCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shares one {@link ResourceManager} with other processes: every connection to a TPM socket is a space of its
 * own, so tpm2-tools, tpm2-tss applications, tpm2-pytss and other JVMs use one TPM side by side, isolated.
 *
 * <p>Each connection is served by a virtual thread that parks while it waits for its client (the sockets wait
 * for readiness through one shared epoll loop in the ffi module), so a thousand idle connections cost a thousand
 * parked virtual threads and their sockets, and no platform thread each. A client that sends half a command, or
 * stops reading its response, holds only its own connection, never the TPM (the chip's lock is taken only once a
 * whole command has arrived). Connections are bounded in total and per peer, and close after an idle timeout.
 * When the TPM goes away, the command in flight is answered with
 * {@link io.tpm4j.api.types.ResponseCode#RM_TPM_GONE}, every connection is closed within a second, and new
 * connections are refused until the server is restarted; the server itself keeps running and says so in its log
 * and its health endpoint.
 */
public final class RmServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RmServer.class);
    /** How often the server looks at the TPM's state, and listeners at the server's. */
    static final Duration TICK = Duration.ofMillis(500);

    /**
     * Limits and socket access. {@code maxConnections} bounds the connections that own a space (raw, mssim
     * command) and, apart, the control connections (mssim platform, health); {@code maxConnectionsPerPeer} bounds
     * each pool per peer (a Unix socket's uid, a TCP client's address), never above {@code maxConnections}.
     * {@code idleTimeout}: a connection that sends nothing for that long is closed; {@link Duration#ZERO} for never.
     * {@code allowRemote}: an mssim TCP endpoint may listen on an address other than loopback (TCP has no access
     * control; raw and health endpoints are Unix sockets whatever this says).
     */
    public record Options(int maxConnections, int maxFrame, Duration frameTimeout, Duration writeTimeout,
                          Duration shutdownTimeout, SocketListener.Access access, int maxConnectionsPerPeer,
                          Duration idleTimeout, boolean allowRemote) {
        public Options {
            Objects.requireNonNull(frameTimeout, "frameTimeout");
            Objects.requireNonNull(writeTimeout, "writeTimeout");
            Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
            Objects.requireNonNull(access, "access");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            if (maxConnections < 1 || maxConnectionsPerPeer < 1 || maxFrame < 10) {
                throw new IllegalArgumentException("maxConnections and maxConnectionsPerPeer must be >= 1 and maxFrame "
                        + ">= 10: " + maxConnections + ", " + maxConnectionsPerPeer + ", " + maxFrame);
            }
            if (idleTimeout.isNegative()) {
                throw new IllegalArgumentException("idleTimeout must not be negative: " + idleTimeout);
            }
        }

        /** The limits before per-peer bounds and idle timeouts: those take their defaults; loopback TCP only. */
        public Options(int maxConnections, int maxFrame, Duration frameTimeout, Duration writeTimeout,
                       Duration shutdownTimeout, SocketListener.Access access) {
            this(maxConnections, maxFrame, frameTimeout, writeTimeout, shutdownTimeout, access,
                    defaultPerPeer(maxConnections), DEFAULT_IDLE_TIMEOUT, false);
        }

        private static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

        /**
         * 1024 connections, 256 of them per peer (and as many platform and health connections, apart); 10 minutes
         * idle before a connection is closed; frames up to 4096 bytes (the kernel's TPM buffer, and more than any
         * TPM's TPM_PT_MAX_COMMAND_SIZE); 10 s to finish a frame once begun and to take a response; 30 s for
         * commands in flight at shutdown; Unix sockets mode 0660.
         */
        public static Options defaults() {
            return new Options(1024, 4096, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(30),
                    SocketListener.Access.defaults());
        }

        /** A quarter of the total, what the per-peer bound is unless given. */
        static int defaultPerPeer(int maxConnections) {
            return Math.max(1, maxConnections / 4);
        }

        /** The per-peer bound in force: never above the total. */
        public int perPeerLimit() {
            return Math.min(maxConnections, maxConnectionsPerPeer);
        }

        /** Sets the total; the per-peer bound is kept (and applies up to the total). */
        public Options withMaxConnections(int value) {
            return new Options(value, maxFrame, frameTimeout, writeTimeout, shutdownTimeout, access,
                    maxConnectionsPerPeer, idleTimeout, allowRemote);
        }

        public Options withMaxConnectionsPerPeer(int value) {
            return new Options(maxConnections, maxFrame, frameTimeout, writeTimeout, shutdownTimeout, access, value,
                    idleTimeout, allowRemote);
        }

        /** {@link Duration#ZERO}: connections never close for being idle. */
        public Options withIdleTimeout(Duration value) {
            return new Options(maxConnections, maxFrame, frameTimeout, writeTimeout, shutdownTimeout, access,
                    maxConnectionsPerPeer, value, allowRemote);
        }

        public Options withMaxFrame(int value) {
            return new Options(maxConnections, value, frameTimeout, writeTimeout, shutdownTimeout, access,
                    maxConnectionsPerPeer, idleTimeout, allowRemote);
        }

        public Options withTimeouts(Duration frame, Duration write) {
            return new Options(maxConnections, maxFrame, frame, write, shutdownTimeout, access, maxConnectionsPerPeer,
                    idleTimeout, allowRemote);
        }

        /** Lets an mssim TCP endpoint listen on an address other hosts can reach ({@code --allow-remote}). */
        public Options withRemoteClients(boolean value) {
            return new Options(maxConnections, maxFrame, frameTimeout, writeTimeout, shutdownTimeout, access,
                    maxConnectionsPerPeer, idleTimeout, value);
        }

        public Options withAccess(SocketListener.Access value) {
            return new Options(maxConnections, maxFrame, frameTimeout, writeTimeout, shutdownTimeout, value,
                    maxConnectionsPerPeer, idleTimeout, allowRemote);
        }
    }

    /** What the health endpoint reports. */
    public record Health(String state, int connections, long accepted, long refused, long malformed,
                         RmCounters counters) {
        /** One line of JSON. */
        public String toJson() {
            return String.format("{\"state\":\"%s\",\"connections\":%d,\"accepted\":%d,\"refused\":%d,"
                            + "\"malformed\":%d,\"clientCommands\":%d,\"tpmCommands\":%d}",
                    state, connections, accepted, refused, malformed, counters.clientCommands(), counters.tpmCommands());
        }
    }

    /** What a listening socket carries. */
    enum Kind { RAW, MSSIM_COMMAND, MSSIM_PLATFORM, HEALTH }

    private record Listening(SocketListener socket, Kind kind, Thread acceptor, AtomicBoolean stopped) {
    }

    final ResourceManager rm;
    final Options options;
    private final List<Listening> listeners = new ArrayList<>();
    private final Map<Long, Connection> connections = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean tpmGoneLogged = new AtomicBoolean();
    private final ConnectionSlots slots;
    private final Thread watcher = Thread.ofVirtual().name("tpm4j-server-watch").unstarted(this::watch);

    private RmServer(ResourceManager rm, Options options) {
        this.rm = rm;
        this.options = options;
        this.slots = new ConnectionSlots(options.maxConnections(), options.perPeerLimit());
    }

    /**
     * Listens on every endpoint and starts accepting. On failure nothing stays open.
     *
     * @throws io.tpm4j.api.TpmTransportException when an address cannot be bound (named, with the errno)
     * @throws IllegalArgumentException for a raw or health endpoint on TCP, or an mssim TCP endpoint on an address
     *                                  other than loopback without {@link Options#allowRemote()}
     */
    public static RmServer start(ResourceManager rm, List<Endpoint> endpoints, Options options) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no endpoint to listen on");
        }
        for (Endpoint endpoint : endpoints) {
            checkTcp(endpoint, options.allowRemote());
        }
        RmServer server = new RmServer(rm, options);
        try {
            for (Endpoint endpoint : endpoints) {
                switch (endpoint.protocol()) {
                    case RAW -> server.listen(endpoint.address(), Kind.RAW);
                    case HEALTH -> server.listen(endpoint.address(), Kind.HEALTH);
                    case MSSIM -> server.listenMssim(endpoint.address());
                }
            }
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        for (Listening listening : server.listeners) {
            listening.acceptor.start();
        }
        server.watcher.start();
        return server;
    }

    /**
     * Raw and health endpoints are Unix sockets only (a socket file has a mode and an owner); an mssim TCP
     * endpoint must be loopback unless remote clients are allowed explicitly.
     */
    static void checkTcp(Endpoint endpoint, boolean allowRemote) {
        if (!(endpoint.address() instanceof Endpoint.Tcp tcp)) {
            return;
        }
        String option = "--" + endpoint.protocol().name().toLowerCase(java.util.Locale.ROOT);
        if (endpoint.protocol() != Endpoint.Protocol.MSSIM) {
            throw new IllegalArgumentException(option + " takes unix:PATH only, not '" + tcp + "': a Unix socket "
                    + "has a mode and an owner, TCP has no access control (--mssim tcp:HOST:PORT serves TCP clients)");
        }
        if (!allowRemote && !tcp.isLoopback()) {
            throw new IllegalArgumentException(option + " " + tcp + " is not a loopback address: every host and "
                    + "container that can reach it would get the TPM; use 127.0.0.1 or unix:PATH, or add "
                    + "--allow-remote if that is what you want");
        }
    }

    private void listen(Endpoint.Address address, Kind kind) {
        add(switch (address) {
            case Endpoint.Tcp tcp -> SocketListener.tcp(tcp.host(), tcp.port());
            case Endpoint.Unix unix -> SocketListener.unix(unix.path(), options.access());
        }, kind);
    }

    /** The command socket and, beside it, the platform socket (TCP: the next port; Unix: PATH.ctrl). */
    private void listenMssim(Endpoint.Address address) {
        switch (address) {
            case Endpoint.Unix unix -> {
                add(SocketListener.unix(unix.path(), options.access()), Kind.MSSIM_COMMAND);
                add(SocketListener.unix(Path.of(unix.path() + ".ctrl"), options.access()), Kind.MSSIM_PLATFORM);
            }
            case Endpoint.Tcp tcp when tcp.port() != 0 -> {
                add(SocketListener.tcp(tcp.host(), tcp.port()), Kind.MSSIM_COMMAND);
                add(SocketListener.tcp(tcp.host(), tcp.port() + 1), Kind.MSSIM_PLATFORM);
            }
            case Endpoint.Tcp tcp -> {
                // Port 0: a free command port whose successor is free too; another process may hold the successor.
                for (int attempt = 1; ; attempt++) {
                    SocketListener command = SocketListener.tcp(tcp.host(), 0);
                    try {
                        SocketListener platform = SocketListener.tcp(tcp.host(), command.port() + 1);
                        add(command, Kind.MSSIM_COMMAND);
                        add(platform, Kind.MSSIM_PLATFORM);
                        return;
                    } catch (TpmTransportException busy) {
                        command.release();
                        if (attempt == 20) {
                            throw busy;
                        }
                    }
                }
            }
        }
    }

    private void add(SocketListener socket, Kind kind) {
        if (socket.port() >= 0) {
            log.warn("{}: TCP has no access control: every process that can reach this address (any user, any "
                    + "container in the network namespace) can use the TPM; prefer a Unix socket", socket.address());
        }
        AtomicBoolean stopped = new AtomicBoolean();
        Thread acceptor = Thread.ofVirtual().name("tpm4j-accept " + socket.address())
                .unstarted(() -> acceptLoop(socket, kind, stopped));
        listeners.add(new Listening(socket, kind, acceptor, stopped));
    }

    /** The addresses listened on, as bound (a TCP port 0 shows the port chosen). */
    public List<String> addresses() {
        return listeners.stream().map(l -> l.kind.name().toLowerCase(java.util.Locale.ROOT) + " " + l.socket.address())
                .toList();
    }

    /** The TCP port of the first mssim command listener, if any (useful when it was given as port 0). */
    public Optional<Integer> mssimPort() {
        return listeners.stream().filter(l -> l.kind == Kind.MSSIM_COMMAND && l.socket.port() >= 0)
                .map(l -> l.socket.port()).findFirst();
    }

    /**
     * The server's state: {@code serving}; {@code degraded} while a listener cannot accept (out of descriptors or
     * memory: connections wait in the kernel's queue) or has stopped; {@code tpm-removed}; {@code stopping}.
     */
    public Health health() {
        boolean degraded = listeners.stream().anyMatch(l -> l.stopped.get() || l.socket.acceptFailure().isPresent());
        String state = closing.get() ? "stopping" : tpmGone() ? "tpm-removed" : degraded ? "degraded" : "serving";
        return new Health(state, connections.size(), accepted.get(), refused.get(), malformed.get(), rm.counters());
    }

    boolean tpmGone() {
        if (rm.chip().isRemoved()) {
            if (tpmGoneLogged.compareAndSet(false, true)) {
                log.error("{}: the TPM is gone; closing every connection and refusing new ones until the server is "
                        + "restarted", rm.chip().name());
            }
            return true;
        }
        return false;
    }

    boolean isClosing() {
        return closing.get();
    }

    private void acceptLoop(SocketListener socket, Kind kind, AtomicBoolean stopped) {
        while (!closing.get()) {
            Optional<SocketConnection> next;
            try {
                next = socket.accept(TICK);
            } catch (RuntimeException e) {
                // Not a lack of descriptors or memory (the listener waits those out): the socket itself is unusable.
                stopped.set(true);
                log.error("{}: accept failed, listener stopped: {}", socket.address(), e.getMessage());
                return;
            }
            if (next.isPresent()) {
                admit(next.get(), kind);
            }
        }
    }

    private void admit(SocketConnection client, Kind kind) {
        ConnectionSlots.Pool pool = ConnectionSlots.Pool.of(kind);
        String peer = peerOf(client);
        String refusal = closing.get() ? "the server is stopping"
                : kind != Kind.HEALTH && tpmGone() ? "the TPM is gone"
                : slots.take(pool, peer);
        if (refusal != null) {
            refused.incrementAndGet();
            log.warn("{}: connection refused: {}", client, refusal);
            client.close();
            return;
        }
        accepted.incrementAndGet();
        long id = nextId.incrementAndGet();
        Connection connection = new Connection(this, id, client, kind, pool, peer);
        connections.put(id, connection);
        try {
            connection.start();
        } catch (RuntimeException | OutOfMemoryError e) {
            log.error("{}: no thread for the connection: {}", client, e.toString());
            connection.abandon();
            ended(connection);
        }
    }

    /** Whom a connection counts against: a Unix socket's uid, a TCP client's address. */
    private static String peerOf(SocketConnection client) {
        return client.peer().map(p -> "uid " + p.uid())
                .or(() -> client.remoteAddress().map(a -> "address " + a.getHostAddress()))
                .orElse("an unknown peer");
    }

    /**
     * Notices the TPM going away, and then ends every connection waiting for its next command (one in the middle
     * of a command gets its answer first).
     */
    private void watch() {
        while (!closing.get()) {
            if (tpmGone()) {
                for (Connection connection : connections.values()) {
                    connection.wakeIfIdle();
                }
            }
            try {
                Thread.sleep(TICK);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void ended(Connection connection) {
        if (connections.remove(connection.id) != null) {
            slots.give(connection.pool, connection.peer);
        }
    }

    /**
     * Stops accepting, ends every connection (a command already at the TPM completes first) and flushes what
     * each connection's space held. The resource manager stays open: its owner closes it.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        log.info("stopping: {} connection(s) open", connections.size());
        for (Listening listening : listeners) {
            listening.socket.close();
        }
        watcher.interrupt();
        for (Listening listening : listeners) {
            join(listening.acceptor, TICK.multipliedBy(4));
            if (!listening.acceptor.isAlive()) {
                listening.socket.release();
            }
        }
        for (Connection connection : connections.values()) {
            connection.wake();
        }
        long deadline = System.nanoTime() + options.shutdownTimeout().toNanos();
        for (Connection connection : List.copyOf(connections.values())) {
            join(connection.thread(), Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        if (!connections.isEmpty()) {
            log.warn("{} connection(s) still busy after {} ms; their spaces close with the resource manager",
                    connections.size(), options.shutdownTimeout().toMillis());
        }
    }

    private static void join(Thread thread, Duration timeout) {
        if (thread == null || !thread.isAlive()) {
            return;
        }
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
