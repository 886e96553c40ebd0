package io.tpm4j.bench;

import io.tpm4j.api.Tpm;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.ffi.Swtpm;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** A swtpm chardev driven by tpm4j, started: its {@link LinuxTpmDevice} and a {@link Tpm} on it. */
@State(Scope.Benchmark)
public class Tpm4jSwtpm {

    Swtpm swtpm;
    LinuxTpmDevice device;
    Tpm tpm;
    private Thread cleanup;

    @Setup(Level.Trial)
    public void start() {
        swtpm = Swtpm.startChardev();
        // Stops swtpm even when the forked VM is ended before its tear-down runs (e.g. Ctrl-C).
        cleanup = new Thread(swtpm::close, "tpm4j-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        device = (LinuxTpmDevice) swtpm.transport();
        tpm = Tpm.on(device);
        tpm.startupIfNeeded();
    }

    @TearDown(Level.Trial)
    public void stop() {
        swtpm.close();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway; closing twice is harmless.
        }
    }
}
