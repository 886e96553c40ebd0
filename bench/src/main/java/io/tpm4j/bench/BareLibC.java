package io.tpm4j.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.FunctionDescriptor.of;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The C library calls of the bare loop, bound here instead of borrowed from tpm4j's ffi module: the floor the
 * benchmarks compare against owes nothing to the code they measure. {@link #WRITE}, {@link #READ} and
 * {@link #POLL} are called with invokeExact in the measured loop and capture errno as tpm4j's device does
 * (the same work per call); the rest is set-up and clean-up. Constants are Linux's (x86_64 and aarch64 agree).
 */
final class BareLibC {

    static final short POLLIN = 0x1;
    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_OUTPUT = 0x1 | 0x40 | 0x200 | 0x80000; // O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
    private static final int SIGKILL = 9;
    private static final int SIGTERM = 15;
    private static final int WNOHANG = 1;
    /** glibc's posix_spawn_file_actions_t is 80 bytes on 64-bit Linux; room to spare. */
    private static final long FILE_ACTIONS_SIZE = 128;

    /** struct pollfd { int fd; short events; short revents; } */
    static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));
    static final long POLLFD_EVENTS = POLLFD.byteOffset(MemoryLayout.PathElement.groupElement("events"));

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup C = LINKER.defaultLookup();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** (callState, fd, buffer, count) -> ssize_t */
    static final MethodHandle WRITE = bind("write", of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);
    /** (callState, fd, buffer, count) -> ssize_t */
    static final MethodHandle READ = bind("read", of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);
    /** (callState, pollfds, count, timeoutMillis) -> int */
    static final MethodHandle POLL = bind("poll", of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), CAPTURE_ERRNO);

    // Set-up and clean-up: these return -1 and set errno on failure.
    private static final MethodHandle SOCKETPAIR = bind("socketpair",
            of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle FCNTL = bind("fcntl",
            of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = bind("close", of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle KILL = bind("kill", of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle WAITPID = bind("waitpid",
            of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle STRERROR = bind("strerror", of(ADDRESS, JAVA_INT));
    // posix_spawn and its file actions return the error number instead of setting errno.
    private static final MethodHandle POSIX_SPAWN = bind("posix_spawn",
            of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle ACTIONS_INIT = bind("posix_spawn_file_actions_init", of(JAVA_INT, ADDRESS));
    private static final MethodHandle ACTIONS_DESTROY = bind("posix_spawn_file_actions_destroy", of(JAVA_INT, ADDRESS));
    private static final MethodHandle ACTIONS_DUP2 = bind("posix_spawn_file_actions_adddup2",
            of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACTIONS_OPEN = bind("posix_spawn_file_actions_addopen",
            of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    /** glibc 2.34+; without it swtpm inherits whatever descriptors of the JVM lack O_CLOEXEC. */
    private static final Optional<MethodHandle> ACTIONS_CLOSE_FROM = C.find("posix_spawn_file_actions_addclosefrom_np")
            .map(symbol -> LINKER.downcallHandle(symbol, of(JAVA_INT, ADDRESS, JAVA_INT)));

    private BareLibC() {
    }

    /** A segment that receives errno, the first argument of every call that captures it. */
    static MemorySegment callState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /** A connected, close-on-exec pair of Unix stream sockets, as tpm4j's swtpm launcher makes. */
    static int[] socketPair() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment fds = call.allocate(JAVA_INT, 2);
            withErrno(call, "socketpair", SOCKETPAIR, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        }
    }

    /** Sets O_NONBLOCK, as tpm4j's device does with its default options. */
    static void setNonBlocking(int fd) {
        try (Arena call = Arena.ofConfined()) {
            int flags = withErrno(call, "fcntl(F_GETFL)", FCNTL, fd, F_GETFL, 0);
            withErrno(call, "fcntl(F_SETFL)", FCNTL, fd, F_SETFL, flags | O_NONBLOCK);
        }
    }

    /** Closes {@code fd}; an error is ignored because Linux releases the descriptor regardless. */
    static void close(int fd) {
        try (Arena call = Arena.ofConfined()) {
            CLOSE.invokeWithArguments(callState(call), fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close(" + fd + ") failed", t);
        }
    }

    /**
     * Starts {@code argv} with {@code parentFd} as its descriptor {@code childFd}, stdout and stderr written to
     * {@code output}, every other descriptor above {@code childFd} closed. Returns the pid.
     */
    static int spawn(List<String> argv, int childFd, int parentFd, Path output) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment actions = call.allocate(FILE_ACTIONS_SIZE, 16);
            returnsError("posix_spawn_file_actions_init", ACTIONS_INIT, actions);
            try {
                returnsError("posix_spawn_file_actions_addopen", ACTIONS_OPEN, actions, 1,
                        call.allocateFrom(output.toString()), O_OUTPUT, 0600);
                returnsError("posix_spawn_file_actions_adddup2", ACTIONS_DUP2, actions, 1, 2);
                returnsError("posix_spawn_file_actions_adddup2", ACTIONS_DUP2, actions, parentFd, childFd);
                if (ACTIONS_CLOSE_FROM.isPresent()) {
                    returnsError("posix_spawn_file_actions_addclosefrom_np", ACTIONS_CLOSE_FROM.get(), actions, childFd + 1);
                }
                List<String> env = new ArrayList<>();
                System.getenv().forEach((name, value) -> env.add(name + "=" + value));
                MemorySegment pid = call.allocate(JAVA_INT);
                returnsError("posix_spawn " + argv.getFirst(), POSIX_SPAWN, pid, call.allocateFrom(argv.getFirst()),
                        actions, MemorySegment.NULL, strings(call, argv), strings(call, env));
                return pid.get(JAVA_INT, 0);
            } finally {
                returnsError("posix_spawn_file_actions_destroy", ACTIONS_DESTROY, actions);
            }
        }
    }

    /** SIGTERM, then SIGKILL if {@code pid} has not exited within {@code grace}; reaps it either way. */
    static void terminate(int pid, Duration grace) {
        try (Arena call = Arena.ofConfined()) {
            withErrno(call, "kill", KILL, pid, SIGTERM);
            long deadline = System.nanoTime() + grace.toNanos();
            while (withErrno(call, "waitpid", WAITPID, pid, MemorySegment.NULL, WNOHANG) != pid) {
                if (System.nanoTime() - deadline >= 0) {
                    withErrno(call, "kill", KILL, pid, SIGKILL);
                    withErrno(call, "waitpid", WAITPID, pid, MemorySegment.NULL, 0);
                    return;
                }
                Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A NULL-terminated array of C strings. */
    private static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }

    /** Calls a function that captures errno; a negative result is thrown with the error's text. */
    private static int withErrno(Arena arena, String what, MethodHandle function, Object... arguments) {
        MemorySegment state = callState(arena);
        Object[] withState = new Object[arguments.length + 1];
        withState[0] = state;
        System.arraycopy(arguments, 0, withState, 1, arguments.length);
        int result = invoke(what, function, withState);
        if (result < 0) {
            throw failure(what, (int) ERRNO.get(state, 0L));
        }
        return result;
    }

    /** Calls a function that returns an error number (posix_spawn and its helpers). */
    private static void returnsError(String what, MethodHandle function, Object... arguments) {
        int error = invoke(what, function, arguments);
        if (error != 0) {
            throw failure(what, error);
        }
    }

    private static int invoke(String what, MethodHandle function, Object... arguments) {
        try {
            return (int) function.invokeWithArguments(arguments);
        } catch (Throwable t) {
            throw new IllegalStateException(what + " could not be called", t);
        }
    }

    private static IllegalStateException failure(String what, int error) {
        String text;
        try {
            text = ((MemorySegment) STRERROR.invokeExact(error)).reinterpret(256).getString(0);
        } catch (Throwable t) {
            text = "error " + error;
        }
        return new IllegalStateException(what + " failed: " + text + " (errno " + error + ")");
    }

    private static MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = C.find(name).orElseThrow(() -> new UnsatisfiedLinkError("C library has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }
}
