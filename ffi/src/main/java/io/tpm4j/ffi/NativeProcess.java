package io.tpm4j.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A child process started with posix_spawn, so that it can inherit a chosen descriptor (ProcessBuilder
 * cannot pass one), and reaped with waitpid, which the JVM does not do for children it did not start.
 */
final class NativeProcess {

    private static final Duration REAP_POLL = Duration.ofMillis(5);

    private final int pid;
    private final String description;
    private volatile boolean reaped;
    private int exitStatus = -1;

    private NativeProcess(int pid, String description) {
        this.pid = pid;
        this.description = description;
    }

    /**
     * Starts {@code argv} with {@code inherit} (child fd -> parent fd) dup'ed into the child, stdout and
     * stderr appended to {@code output}, and every other descriptor from 3 up closed.
     */
    static NativeProcess spawn(List<String> argv, Map<Integer, Integer> inherit, Path output) {
        String program = argv.getFirst();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment actions = call.allocate(LibC.SPAWN_FILE_ACTIONS_SIZE, 16);
            check(program, "posix_spawn_file_actions_init", LibC.fileActionsInit(actions));
            try {
                MemorySegment outPath = call.allocateFrom(output.toString());
                check(program, "posix_spawn_file_actions_addopen", LibC.fileActionsAddOpen(actions, 1, outPath,
                        LibC.O_WRONLY | LibC.O_CREAT | LibC.O_TRUNC | LibC.O_CLOEXEC, 0600));
                check(program, "posix_spawn_file_actions_adddup2", LibC.fileActionsAddDup2(actions, 1, 2));
                int highest = 2;
                for (Map.Entry<Integer, Integer> e : inherit.entrySet()) {
                    check(program, "posix_spawn_file_actions_adddup2",
                            LibC.fileActionsAddDup2(actions, e.getValue(), e.getKey()));
                    highest = Math.max(highest, e.getKey());
                }
                check(program, "posix_spawn_file_actions_addclosefrom_np",
                        LibC.fileActionsAddCloseFrom(actions, highest + 1));
                MemorySegment args = call.allocate(ValueLayout.ADDRESS, argv.size() + 1L);
                for (int i = 0; i < argv.size(); i++) {
                    args.setAtIndex(ValueLayout.ADDRESS, i, call.allocateFrom(argv.get(i)));
                }
                args.setAtIndex(ValueLayout.ADDRESS, argv.size(), MemorySegment.NULL);
                List<String> env = System.getenv().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
                MemorySegment envp = call.allocate(ValueLayout.ADDRESS, env.size() + 1L);
                for (int i = 0; i < env.size(); i++) {
                    envp.setAtIndex(ValueLayout.ADDRESS, i, call.allocateFrom(env.get(i)));
                }
                envp.setAtIndex(ValueLayout.ADDRESS, env.size(), MemorySegment.NULL);
                MemorySegment pid = call.allocate(ValueLayout.JAVA_INT);
                check(program, "posix_spawn", LibC.posixSpawn(pid, call.allocateFrom(program), actions, args, envp));
                return new NativeProcess(pid.get(ValueLayout.JAVA_INT, 0), String.join(" ", argv));
            } finally {
                LibC.fileActionsDestroy(actions);
            }
        }
    }

    private static void check(String program, String function, int error) {
        if (error != 0) {
            throw NativeFailures.of(program, function, error);
        }
    }

    int pid() {
        return pid;
    }

    String description() {
        return description;
    }

    /** Sends a signal; a process already reaped is left alone (its pid may belong to another by now). */
    void signal(int signal) {
        if (reaped) {
            return;
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = LibC.callState(call);
            if (LibC.kill(state, pid, signal) != 0 && LibC.errno(state) != Errno.ESRCH.number()) {
                throw NativeFailures.of(description, "kill", LibC.errno(state));
            }
        }
    }

    /** Whether the process has exited (reaping it if so). */
    synchronized boolean hasExited() {
        if (reaped) {
            return true;
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = LibC.callState(call);
            MemorySegment status = call.allocate(ValueLayout.JAVA_INT);
            int result = LibC.waitpid(state, pid, status, LibC.WNOHANG);
            if (result == pid) {
                exitStatus = status.get(ValueLayout.JAVA_INT, 0);
                reaped = true;
            } else if (result < 0 && LibC.errno(state) == Errno.ECHILD.number()) {
                reaped = true;
            }
            return reaped;
        }
    }

    /** Waits up to {@code timeout} for the process to exit; false if it is still running. */
    boolean awaitExit(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!hasExited()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(REAP_POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return hasExited();
            }
        }
        return true;
    }

    /** SIGTERM, then SIGKILL if it has not exited within {@code grace}; always reaps. */
    void terminate(Duration grace) {
        if (hasExited()) {
            return;
        }
        signal(LibC.SIGTERM);
        signal(LibC.SIGCONT); // a stopped process acts on SIGTERM only once continued
        if (!awaitExit(grace)) {
            signal(LibC.SIGKILL);
            awaitExit(Duration.ofSeconds(5));
        }
    }

    /** The raw wait status, or -1 while running. */
    synchronized int exitStatus() {
        return exitStatus;
    }
}
