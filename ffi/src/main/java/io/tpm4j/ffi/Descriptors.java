package io.tpm4j.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Plain file-descriptor chores shared by the launcher and the proxy. */
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

    /** Closes {@code fd}; errors are ignored because Linux releases the descriptor regardless. */
    static void close(int fd) {
        try (Arena call = Arena.ofConfined()) {
            LibC.close(LibC.callState(call), fd);
        }
    }
}
