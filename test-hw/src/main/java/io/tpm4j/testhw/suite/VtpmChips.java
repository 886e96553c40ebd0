package io.tpm4j.testhw.suite;

import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.ffi.VtpmProxy;
import io.tpm4j.rm.TpmChip;
import io.tpm4j.testhw.SuiteContext;
import io.tpm4j.testhw.Target;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the tests that make a vTPM-proxy chip of their own share: the skip when they cannot, and the chip. */
final class VtpmChips {

    private VtpmChips() {
    }

    /** Skips the test, saying why, unless /dev/vtpmx and swtpm are both there. */
    static void assumeAvailable() {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/vtpmx")), "needs /dev/vtpmx (modprobe tpm_vtpm_proxy, as root)");
        Assumptions.assumeTrue(Swtpm.isInstalled(), "needs swtpm to serve the proxy chip");
    }

    /**
     * Skips a long test (minutes) on a chip of its own unless the suite's target is a /dev/tpmrmN: it needs a run,
     * not a particular target, and the run on a machine's /dev/tpmrmN (the default) is where it belongs.
     */
    static void assumeTpmrmTarget(SuiteContext context, String why) {
        Assumptions.assumeTrue(context.target() instanceof Target.Device device
                        && device.path().getFileName().toString().startsWith("tpmrm"),
                "applies to a /dev/tpmrmN target only (" + why + ")");
    }

    /** The kernel registers and removes a chip's device nodes asynchronously: waits up to 20 s for the change. */
    static void awaitExists(Path node, boolean exists) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (Files.exists(node) != exists && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(exists, Files.exists(node), node + (exists ? " did not appear" : " did not disappear"));
    }

    /**
     * A TPM, for {@link Chip#start}, that holds each TPM2_ReadClock until the test lets it go: how a test keeps a
     * command running in the kernel for as long as it likes.
     */
    static final class HeldReadClock {

        /** One hold: {@code arrived} counts down when the command reaches the TPM, which answers after {@code release}. */
        record Hold(CountDownLatch arrived, CountDownLatch release) {
        }

        private final AtomicReference<Hold> current =
                new AtomicReference<>(new Hold(new CountDownLatch(0), new CountDownLatch(0)));

        /** Holds the next TPM2_ReadClock (and those after it) until the returned hold is released. */
        Hold next() {
            Hold hold = new Hold(new CountDownLatch(1), new CountDownLatch(1));
            current.set(hold);
            return hold;
        }

        UnaryOperator<TpmTransport> trap() {
            return backend -> command -> {
                if (TpmHeader.commandCode(command) == TpmCc.READ_CLOCK.value()) {
                    Hold hold = current.get();
                    hold.arrived().countDown();
                    try {
                        hold.release().await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return backend.transmit(command);
            };
        }
    }

    /**
     * A kernel chip of the test's own: a vTPM proxy whose TPM is a private swtpm, reached through {@code wrap}
     * (a counter, a trap), with its /dev/tpmN and /dev/tpmrmN in place. Closing removes the chip.
     */
    record Chip(Swtpm swtpm, VtpmProxy proxy) implements AutoCloseable {

        static Chip start(UnaryOperator<TpmTransport> wrap) throws InterruptedException {
            assumeAvailable();
            Swtpm swtpm = Swtpm.startChardev();
            try {
                VtpmProxy proxy = VtpmProxy.create(wrap.apply(swtpm.transport()));
                Chip chip = new Chip(swtpm, proxy);
                try {
                    awaitExists(proxy.resourceManager(), true);
                } catch (InterruptedException | RuntimeException | Error e) {
                    chip.close();
                    throw e;
                }
                return chip;
            } catch (RuntimeException | Error e) {
                swtpm.close();
                throw e;
            }
        }

        Path raw() {
            return proxy.device();
        }

        Path resourceManager() {
            return proxy.resourceManager();
        }

        /** The chip's /dev/tpmN as the backend of tpm4j's resource manager; closing it closes the device. */
        TpmChip forTpm4j() {
            return TpmChip.over(LinuxTpmDevice.open(raw()), raw().toString());
        }

        @Override
        public void close() {
            proxy.close();
            swtpm.close();
        }
    }
}
