package io.tpm4j.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Plain file-descriptor chores shared by the launcher, the proxy, the device and the sockets. */
final class Descriptors {

    private Descriptors() {
    }

    /** A connected pair of Unix sockets of {@code type} (SOCK_STREAM or SOCK_SEQPACKET), close-on-exec. */
    static int[] socketPair(int type) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = LibC.callState(call);
            MemorySegment fds = call.allocate(ValueLayout.JAVA_INT, 2);
            if (LibC.socketpair(state, LibC.AF_UNIX, type | LibC.SOCK_CLOEXEC, 0, fds) != 0) {
                throw NativeFailures.of("socketpair(AF_UNIX)", "socketpair", LibC.errno(state));
            }
            return new int[] {fds.getAtIndex(ValueLayout.JAVA_INT, 0), fds.getAtIndex(ValueLayout.JAVA_INT, 1)};
        }
    }

    /** sizeof(struct sockaddr_un), and the longest path its sun_path holds with the terminating NUL. */
    static final int SOCKADDR_UN_SIZE = 110;
    static final int SUN_PATH_MAX = 107;

    /** A close-on-exec stream socket of {@code family} (AF_UNIX, AF_INET). */
    static int streamSocket(int family, String address) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = LibC.callState(call);
            int fd = LibC.socket(state, family, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw NativeFailures.ofSocket(address, "socket", LibC.errno(state));
            }
            return fd;
        }
    }

    /** The bytes of a Unix socket path, refused when sun_path cannot hold them. */
    static byte[] unixPath(java.nio.file.Path path, String address) {
        byte[] bytes = path.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (bytes.length > SUN_PATH_MAX) {
            throw new IllegalArgumentException(address + ": a Unix socket path has at most " + SUN_PATH_MAX + " bytes");
        }
        return bytes;
    }

    /** A struct sockaddr_un for {@code path}, from {@link #unixPath}. */
    static MemorySegment sockaddrUn(Arena arena, byte[] path) {
        MemorySegment sockaddr = arena.allocate(SOCKADDR_UN_SIZE);
        sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) LibC.AF_UNIX);
        MemorySegment.copy(path, 0, sockaddr, ValueLayout.JAVA_BYTE, 2, path.length);
        return sockaddr;
    }

    /**
     * A non-blocking eventfd that {@link #signal} makes readable: polled beside a descriptor, it lets close() wake
     * a thread blocked in poll at once instead of at its deadline.
     */
    static int newWakeFd(String owner) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = LibC.callState(call);
            int wake = LibC.eventfd(state, 0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
            if (wake < 0) {
                throw NativeFailures.of(owner, "eventfd", LibC.errno(state));
            }
            return wake;
        }
    }

    /** Makes an eventfd from {@link #newWakeFd} readable. */
    static void signal(int wakeFd) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment one = call.allocate(ValueLayout.JAVA_LONG);
            one.set(ValueLayout.JAVA_LONG, 0, 1L);
            LibC.write(LibC.callState(call), wakeFd, one, Long.BYTES);
        }
    }

    /** Closes {@code fd}; errors are ignored because Linux releases the descriptor regardless. */
    static void close(int fd) {
        try (Arena call = Arena.ofConfined()) {
            LibC.close(LibC.callState(call), fd);
        }
    }
}
