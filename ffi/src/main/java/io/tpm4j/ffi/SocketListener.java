package io.tpm4j.ffi;

import io.tpm4j.api.TpmTransportException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A listening stream socket, Unix-domain or TCP, whose connections carry their peer's credentials. A Unix
 * socket file is created in a {@link PrivateDirectory} beside its final name, given its mode and owner there,
 * and only then renamed into place: no client can ever connect while it still has the process's default
 * permissions, and no other user can swap the file for a link that the chmod or chown would follow.
 */
public final class SocketListener implements AutoCloseable {

    private static final int SOCKADDR_IN_SIZE = 16;
    private static final int BACKLOG = 1024;
    /** How long accept pauses when the process or the system is out of descriptors or memory. */
    private static final Duration BACKOFF = Duration.ofMillis(100);
    private static final Set<Errno> OUT_OF_RESOURCES = Set.of(Errno.EMFILE, Errno.ENFILE, Errno.ENOBUFS, Errno.ENOMEM);
    private static final Logger log = LoggerFactory.getLogger(SocketListener.class);

    /** Who may connect to a Unix socket: its file mode, and optionally its owner and group (by name). */
    public record Access(Set<PosixFilePermission> mode, String owner, String group) {
        public Access {
            mode = Set.copyOf(Objects.requireNonNull(mode, "mode"));
        }

        /** rw-rw----: the owner and the group may connect, nobody else. */
        public static Access defaults() {
            return new Access(PosixFilePermissions.fromString("rw-rw----"), null, null);
        }

        /** A mode in octal ({@code "0660"}) or symbolic ({@code "rw-rw----"}) form. */
        public Access withMode(String mode) {
            return new Access(parseMode(mode), owner, group);
        }

        public Access withOwner(String owner) {
            return new Access(mode, owner, group);
        }

        public Access withGroup(String group) {
            return new Access(mode, owner, group);
        }

        private static Set<PosixFilePermission> parseMode(String mode) {
            if (mode.matches("0?[0-7]{3}")) {
                int bits = Integer.parseInt(mode, 8);
                StringBuilder symbolic = new StringBuilder();
                for (int shift = 6; shift >= 0; shift -= 3) {
                    int part = (bits >> shift) & 7;
                    symbolic.append((part & 4) != 0 ? 'r' : '-').append((part & 2) != 0 ? 'w' : '-')
                            .append((part & 1) != 0 ? 'x' : '-');
                }
                return PosixFilePermissions.fromString(symbolic.toString());
            }
            try {
                return PosixFilePermissions.fromString(mode);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("socket mode '" + mode + "' is neither octal (0660) nor symbolic (rw-rw----)");
            }
        }
    }

    private final int fd;
    private final WakeablePoll poll;
    private final String address;
    private final Path unixPath;
    private final int port;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState = LibC.callState(arena);
    private final MemorySegment credentials = arena.allocate(12);
    private final MemorySegment credentialsLength = arena.allocate(ValueLayout.JAVA_INT);
    private final MemorySegment peerAddress = arena.allocate(SOCKADDR_IN_SIZE);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicLong failures = new AtomicLong();
    private volatile String failure;
    private long episodeStart;

    private SocketListener(int fd, String address, Path unixPath, int port) {
        this.fd = fd;
        this.address = address;
        this.unixPath = unixPath;
        this.port = port;
        try {
            // Non-blocking: accept is tried first and waited for only when nothing is queued.
            if (LibC.fcntl(callState, fd, LibC.F_SETFL, LibC.O_NONBLOCK) != 0) {
                throw NativeFailures.ofSocket(address, "fcntl(O_NONBLOCK)", LibC.errno(callState));
            }
            this.poll = new WakeablePoll(fd, address, arena);
        } catch (RuntimeException e) {
            Descriptors.close(fd);
            arena.close();
            throw e;
        }
    }

    /**
     * Listens on a Unix socket at {@code path}. A stale socket file (nobody accepting) is replaced; a live one,
     * or any other kind of file, is refused.
     */
    public static SocketListener unix(Path path, Access access) {
        Path target = path.toAbsolutePath();
        String address = "unix:" + target;
        Descriptors.unixPath(target, address);
        removeStaleSocket(target, address);
        try (PrivateDirectory staging = PrivateDirectory.create(target.getParent(), address)) {
            Path temporary = staging.resolve("socket");
            byte[] name = Descriptors.unixPath(temporary, address);
            int fd = Descriptors.streamSocket(LibC.AF_UNIX, address);
            try (Arena call = Arena.ofConfined()) {
                MemorySegment state = LibC.callState(call);
                if (LibC.bind(state, fd, Descriptors.sockaddrUn(call, name), Descriptors.SOCKADDR_UN_SIZE) != 0) {
                    throw NativeFailures.ofSocket(address, "bind", LibC.errno(state));
                }
                applyAccess(temporary, access);
                if (LibC.listen(state, fd, BACKLOG) != 0) {
                    throw NativeFailures.ofSocket(address, "listen", LibC.errno(state));
                }
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
                return new SocketListener(fd, address, target, -1);
            } catch (IOException e) {
                Descriptors.close(fd);
                throw new TpmTransportException(address, "chmod/chown/rename", null, "cannot give the socket its access "
                        + "and put it in place: " + e, e);
            } catch (RuntimeException e) {
                Descriptors.close(fd);
                throw e;
            }
        }
    }

    /** Listens on TCP {@code host:port} (IPv4); port 0 takes any free port, see {@link #port()}. */
    public static SocketListener tcp(String host, int port) {
        InetAddress ip;
        try {
            ip = InetAddress.getByName(host);
        } catch (IOException e) {
            throw new IllegalArgumentException("tcp:" + host + ":" + port + ": cannot resolve host: " + e.getMessage());
        }
        byte[] ipv4 = ip.getAddress();
        if (ipv4.length != 4) {
            throw new IllegalArgumentException("tcp:" + host + ":" + port + ": only IPv4 addresses are supported");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("tcp:" + host + ":" + port + ": port out of range");
        }
        String address = "tcp:" + ip.getHostAddress() + ":" + port;
        int fd = Descriptors.streamSocket(LibC.AF_INET, address);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = LibC.callState(call);
            MemorySegment one = call.allocate(ValueLayout.JAVA_INT);
            one.set(ValueLayout.JAVA_INT, 0, 1);
            // Restarting a server must not wait for the old connections' TIME_WAIT.
            LibC.setsockopt(state, fd, LibC.SOL_SOCKET, LibC.SO_REUSEADDR, one, 4);
            MemorySegment sockaddr = call.allocate(SOCKADDR_IN_SIZE);
            sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) LibC.AF_INET);
            sockaddr.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) port);
            MemorySegment.copy(ipv4, 0, sockaddr, ValueLayout.JAVA_BYTE, 4, 4);
            if (LibC.bind(state, fd, sockaddr, SOCKADDR_IN_SIZE) != 0) {
                throw NativeFailures.ofSocket(address, "bind", LibC.errno(state));
            }
            if (LibC.listen(state, fd, BACKLOG) != 0) {
                throw NativeFailures.ofSocket(address, "listen", LibC.errno(state));
            }
            MemorySegment length = call.allocate(ValueLayout.JAVA_INT);
            length.set(ValueLayout.JAVA_INT, 0, SOCKADDR_IN_SIZE);
            if (LibC.getsockname(state, fd, sockaddr, length) != 0) {
                throw NativeFailures.ofSocket(address, "getsockname", LibC.errno(state));
            }
            int bound = Short.toUnsignedInt(sockaddr.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2));
            return new SocketListener(fd, "tcp:" + ip.getHostAddress() + ":" + bound, null, bound);
        } catch (RuntimeException e) {
            Descriptors.close(fd);
            throw e;
        }
    }

    /** "unix:/run/tpm4j.sock" or "tcp:127.0.0.1:2321". */
    public String address() {
        return address;
    }

    /** The TCP port listened on; -1 for a Unix socket. */
    public int port() {
        return port;
    }

    /**
     * Waits at most {@code timeout} for the next connection. When the process or the system runs out of
     * descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM), the connection stays queued in the kernel: the
     * listener logs it once, reports it through {@link #acceptFailure()}, pauses briefly (the queued connection
     * keeps the socket readable) and tries again on the next call, until accepting works again.
     *
     * @return the connection, or empty on timeout, during such a pause, or once {@link #close()} has been called
     * @throws TpmTransportException when accepting fails for another reason (the listener is unusable)
     */
    public Optional<SocketConnection> accept(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!closed.get()) {
            int client = LibC.accept4(callState, fd, LibC.SOCK_CLOEXEC | LibC.SOCK_NONBLOCK);
            if (client >= 0) {
                recovered();
                return Optional.of(connection(client));
            }
            int errno = LibC.errno(callState);
            long left = deadline - System.nanoTime();
            if (errno == Errno.EAGAIN.number() || errno == Errno.EINTR.number()) {
                if (left <= 0 || poll.await(LibC.EPOLLIN, Duration.ofNanos(left)) != WakeablePoll.Outcome.READY) {
                    return Optional.empty();
                }
            } else if (errno == Errno.ECONNABORTED.number() || errno == Errno.EPROTO.number()) {
                // That peer gave up before it was accepted (accept(2) passes such errors on): take the next one.
                continue;
            } else if (OUT_OF_RESOURCES.contains(Errno.of(errno))) {
                starved(errno);
                poll.await(0, Duration.ofNanos(Math.max(0, Math.min(left, BACKOFF.toNanos()))));
                return Optional.empty();
            } else {
                throw NativeFailures.ofSocket(address, "accept4", errno);
            }
        }
        return Optional.empty();
    }

    /**
     * Why connections are waiting unaccepted right now ("EMFILE: too many open files, 12 attempts"), or empty
     * while accepting works.
     */
    public Optional<String> acceptFailure() {
        return Optional.ofNullable(failure);
    }

    /** How many accept attempts have failed for lack of descriptors or memory since the listener started. */
    public long acceptFailures() {
        return failures.get();
    }

    private void starved(int errno) {
        long count = failures.incrementAndGet();
        if (failure == null) {
            log.warn("{}: cannot accept connections: {} ({}); they wait in the queue, retrying every {} ms", address,
                    Errno.nameOf(errno), Errno.of(errno).description(), BACKOFF.toMillis());
            episodeStart = count - 1;
        }
        failure = Errno.nameOf(errno) + ": " + Errno.of(errno).description() + ", " + (count - episodeStart)
                + " attempts";
    }

    private void recovered() {
        if (failure != null) {
            log.info("{}: accepting connections again ({})", address, failure);
            failure = null;
        }
    }

    private SocketConnection connection(int client) {
        if (unixPath == null) {
            Optional<InetSocketAddress> from = remote(client);
            return new SocketConnection(client, address + from.map(a -> " from " + a.getAddress().getHostAddress() + ":"
                    + a.getPort()).orElse(""), Optional.empty(), Optional.of(from.map(InetSocketAddress::getAddress)
                    .orElse(InetAddress.getLoopbackAddress())));
        }
        Optional<PeerCredentials> peer = peerCredentials(client);
        return new SocketConnection(client, address + peer.map(p -> " " + p).orElse(""), peer, Optional.empty());
    }

    /** A TCP client's address (getpeername), empty if the client is already gone. */
    private Optional<InetSocketAddress> remote(int client) {
        credentialsLength.set(ValueLayout.JAVA_INT, 0, SOCKADDR_IN_SIZE);
        if (LibC.getpeername(callState, client, peerAddress, credentialsLength) != 0) {
            return Optional.empty();
        }
        byte[] ip = new byte[4];
        MemorySegment.copy(peerAddress, ValueLayout.JAVA_BYTE, 4, ip, 0, 4);
        int port = Short.toUnsignedInt(peerAddress.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2));
        try {
            return Optional.of(new InetSocketAddress(InetAddress.getByAddress(ip), port));
        } catch (java.net.UnknownHostException e) {
            return Optional.empty();   // Not for four bytes.
        }
    }

    private Optional<PeerCredentials> peerCredentials(int client) {
        credentialsLength.set(ValueLayout.JAVA_INT, 0, 12);
        if (LibC.getsockopt(callState, client, LibC.SOL_SOCKET, LibC.SO_PEERCRED, credentials, credentialsLength) != 0) {
            return Optional.empty();
        }
        return Optional.of(new PeerCredentials(credentials.get(ValueLayout.JAVA_INT, 0),
                credentials.get(ValueLayout.JAVA_INT, 4), credentials.get(ValueLayout.JAVA_INT, 8)));
    }

    /** Stops listening (a thread in {@link #accept} returns at once) and removes the socket file. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        poll.wake();
        if (unixPath != null) {
            deleteQuietly(unixPath);
        }
    }

    /** Releases the descriptor; call after the thread that accepts has stopped. Idempotent. */
    public void release() {
        close();
        if (released.compareAndSet(false, true)) {
            poll.close();
            Descriptors.close(fd);
            arena.close();
        }
    }

    private static void applyAccess(Path socket, Access access) throws IOException {
        // Following links: with NOFOLLOW_LINKS the JDK opens the file to change it, which a socket refuses (ENXIO).
        // The path leads through the private directory's descriptor to the socket just bound there, where
        // nobody else can put a link.
        PosixFileAttributeView view = Files.getFileAttributeView(socket, PosixFileAttributeView.class);
        UserPrincipalLookupService users = socket.getFileSystem().getUserPrincipalLookupService();
        if (access.owner() != null) {
            view.setOwner(users.lookupPrincipalByName(access.owner()));
        }
        if (access.group() != null) {
            view.setGroup(users.lookupPrincipalByGroupName(access.group()));
        }
        view.setPermissions(access.mode());
    }

    private static void removeStaleSocket(Path path, String address) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        boolean socket;
        try {
            socket = isSocket(path);
        } catch (IOException e) {
            socket = false;
        }
        if (!socket) {
            throw new TpmTransportException(address, "bind", null, "a file that is not a socket is in the way; remove it or choose another path", null);
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new TpmTransportException(address, "bind", Errno.nameOf(Errno.EADDRINUSE.number()),
                    "another server is accepting connections there", null);
        } catch (IOException refused) {
            deleteQuietly(path);
        }
    }

    private static boolean isSocket(Path path) throws IOException {
        Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return mode instanceof Integer bits && (bits & 0xF000) == 0xC000;
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // Nothing more to do: it was a temporary name or is being replaced.
        }
    }
}
