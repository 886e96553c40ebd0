package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmException;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.commands.ContextLoad;
import io.tpm4j.api.commands.ContextSave;
import io.tpm4j.api.commands.GetRandom;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmPt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.Space;
import io.tpm4j.rm.TpmChip;
import io.tpm4j.testhw.LeakCheck;
import io.tpm4j.testhw.SuiteContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the kernel's resource manager and tpm4j's differ beyond what one client sees in one command: sessions
 * clients abandon, the TPM's context gap, removal while a command is stuck, TPM warnings, per-client limits. Each is driven the same way on the
 * kernel's /dev/tpmrmN and on tpm4j's RM over /dev/tpmN of a vTPM-proxy chip of the test's own (a private
 * swtpm), so the machine's TPM is never touched. Needs root and the tpm_vtpm_proxy module.
 */
@ExtendWith(LeakCheck.class)
public class ChipComparisonTest {

    private final SuiteContext context = SuiteContext.current();

    @Test
    @DisplayName("sessions that clients saved and then abandoned: the kernel keeps them all until the TPM has no "
            + "session handle left; tpm4j's RM keeps a bounded number")
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void abandonedSessions() throws Exception {
        int clients;
        String kernel;
        try (VtpmChips.Chip chip = VtpmChips.Chip.start(UnaryOperator.identity())) {
            clients = property(chip, TpmPt.ACTIVE_SESSIONS_MAX) + 1;
            TpmResponseException refused = null;
            int abandoned = 0;
            while (refused == null && abandoned < clients) {
                try (LinuxTpmDevice device = LinuxTpmDevice.open(chip.resourceManager())) {
                    abandonSession(Tpm.on(device));
                    abandoned++;
                } catch (TpmResponseException e) {
                    refused = e;
                }
            }
            assertTrue(refused != null && refused.is(TpmRc.SESSION_HANDLES),
                    "the kernel kept " + abandoned + " abandoned sessions; then: " + refused);
            kernel = "kernel: after " + abandoned + " abandoned, a new client's StartAuthSession is refused ("
                    + brief(refused.responseCode()) + ")";
        }
        String tpm4j;
        try (VtpmChips.Chip chip = VtpmChips.Chip.start(UnaryOperator.identity());
             TpmChip backend = chip.forTpm4j(); ResourceManager rm = ResourceManager.over(backend)) {
            for (int client = 1; client <= clients; client++) {
                try (Space space = rm.openSpace("abandons a session " + client)) {
                    abandonSession(Tpm.on(space));
                }
            }
            try (Space space = rm.openSpace("comes later"); AuthSession fresh = Tpm.on(space).startSession(Session.hmac(TpmAlg.SHA256))) {
                assertTrue(fresh.handle() != 0);
            }
            int kept = savedSessionsAtTheTpm(chip);
            int bound = rm.options().maxAbandonedSessions();
            assertTrue(kept <= bound, kept + " saved sessions at the TPM, more than the bound " + bound);
            tpm4j = "tpm4j: all " + clients + " clients and a later one got sessions; the TPM holds " + kept
                    + " abandoned (bound " + bound + ")";
        }
        context.observe("sessions saved by clients that then went away", kernel + "; " + tpm4j);
    }

    @Test
    @DisplayName("the context gap: a session saved long ago while another client churns — the kernel's client "
            + "fails once the TPM refuses a save, tpm4j's RM re-saves the old session in time")
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void contextGap() throws Exception {
        // A TPM's gap is 65,536 session saves: minutes in an emulator.
        VtpmChips.assumeTpmrmTarget(context, "it compares on a chip of its own, for minutes");
        String kernel;
        try (VtpmChips.Chip chip = VtpmChips.Chip.start(UnaryOperator.identity());
             LinuxTpmDevice keeper = LinuxTpmDevice.open(chip.resourceManager());
             LinuxTpmDevice churner = LinuxTpmDevice.open(chip.resourceManager())) {
            long gapMax = Integer.toUnsignedLong(property(chip, TpmPt.CONTEXT_GAP_MAX));
            Gap gap = drive(Tpm.on(keeper), Tpm.on(churner), gapMax);
            assertTrue(gap.failure != null, "the kernel's RM churned " + gap.cycles + " cycles without a failure");
            kernel = "kernel: the churning client got " + gap.failure + " at cycle " + gap.cycles;
        }
        String tpm4j;
        try (VtpmChips.Chip chip = VtpmChips.Chip.start(UnaryOperator.identity());
             TpmChip backend = chip.forTpm4j(); ResourceManager rm = ResourceManager.over(backend);
             Space keeper = rm.openSpace("keeps a saved session"); Space churner = rm.openSpace("churns")) {
            long gapMax = Integer.toUnsignedLong(property(chip, TpmPt.CONTEXT_GAP_MAX));
            Gap gap = drive(Tpm.on(keeper), Tpm.on(churner), gapMax);
            assertEquals(null, gap.failure, "through tpm4j's RM, at cycle " + gap.cycles);
            assertTrue(gap.oldSessionWorks, "the long-saved session loads and authorises again");
            tpm4j = "tpm4j: no client saw it in " + gap.cycles + " cycles; the old session still works";
        }
        context.observe("the context gap (one session saved long ago, another saved and loaded again and again)",
                kernel + "; " + tpm4j);
    }

    @Test
    @DisplayName("removal while a command is stuck in the TPM: the command fails with TpmDeviceRemovedException, "
            + "on the kernel's RM and on tpm4j's; nothing hangs")
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void removalWithAStuckCommand() throws Exception {
        String kernel = removeWhileStuck(true);
        String tpm4j = removeWhileStuck(false);
        context.observe("chip removed while a command is stuck in the TPM", "kernel: " + kernel + "; tpm4j: " + tpm4j);
    }

    @Test
    @DisplayName("a TPM warning that asks for the command again (TPM_RC_YIELDED, TPM_RC_NV_RATE): the kernel passes "
            + "it to the client, tpm4j's RM sends the command again")
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void tpmWarnings() throws Exception {
        StringBuilder seen = new StringBuilder();
        for (TpmRc warning : List.of(TpmRc.YIELDED, TpmRc.NV_RATE)) {
            // The chip's TPM answers the first TPM2_ReadClock with the warning, as a busy TPM would.
            AtomicBoolean warned = new AtomicBoolean();
            UnaryOperator<TpmTransport> busy = backend -> command ->
                    TpmHeader.commandCode(command) == TpmCc.READ_CLOCK.value() && warned.compareAndSet(false, true)
                            ? TpmHeader.headerOnlyResponse(warning.value()) : backend.transmit(command);
            ResponseCode kernel;
            try (VtpmChips.Chip chip = VtpmChips.Chip.start(busy);
                 LinuxTpmDevice device = LinuxTpmDevice.open(chip.resourceManager())) {
                kernel = responseCode(device.transmit(READ_CLOCK));
            }
            assertTrue(kernel.is(warning), "the kernel passes " + warning + " on: " + kernel);
            warned.set(false);
            ResponseCode tpm4j;
            try (VtpmChips.Chip chip = VtpmChips.Chip.start(busy); TpmChip backend = chip.forTpm4j();
                 ResourceManager rm = ResourceManager.over(backend); Space space = rm.openSpace("busy TPM")) {
                tpm4j = responseCode(space.transmit(READ_CLOCK));
            }
            assertTrue(warned.get() && tpm4j.isSuccess(), "tpm4j's RM sends it again: " + tpm4j);
            seen.append(seen.isEmpty() ? "" : "; ").append(warning.name()).append(": kernel passes it to the client, ")
                    .append("tpm4j's RM retries (the client gets success)");
        }
        context.observe("TPM warnings that ask for the command again", seen.toString());
    }

    @Test
    @DisplayName("per-client limits: the kernel's are fixed at 3 objects; tpm4j's quotas are set by the RM's owner and "
            + "refused with an RM-layer code before the TPM")
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void perClientLimits() throws Exception {
        String kernel;
        try (VtpmChips.Chip chip = VtpmChips.Chip.start(UnaryOperator.identity());
             LinuxTpmDevice device = LinuxTpmDevice.open(chip.resourceManager())) {
            kernel = "kernel: " + fillObjects(Tpm.on(device), 8);
        }
        String tpm4j;
        try (VtpmChips.Chip chip = VtpmChips.Chip.start(UnaryOperator.identity()); TpmChip backend = chip.forTpm4j();
             ResourceManager rm = ResourceManager.over(backend, ResourceManager.Options.defaults().withQuotas(5, 2));
             Space space = rm.openSpace("quota of 5")) {
            String filled = fillObjects(Tpm.on(space), 8);
            assertTrue(filled.startsWith("5 objects, then ") && filled.contains("0x000b"),
                    "tpm4j's quota of 5, refused by the RM: " + filled);
            tpm4j = "tpm4j (quota 5 set by the application): " + filled;
        }
        context.observe("objects one client can hold", kernel + "; " + tpm4j);
    }

    private static final byte[] READ_CLOCK = new TpmWriter().u16(0x8001).u32(TpmHeader.SIZE)
            .u32(TpmCc.READ_CLOCK.value()).toByteArray();

    /** The code's name and value, and who answered: short enough for a table cell. */
    private static String brief(ResponseCode rc) {
        return rc.rc().map(TpmRc::specName).orElse("error") + String.format(" 0x%08x", rc.raw())
                + (rc.layer() == ResponseCode.TPM_LAYER ? " from the TPM" : " from the resource manager");
    }

    private static ResponseCode responseCode(byte[] response) {
        return new ResponseCode(TpmHeader.ofResponse(response).code());
    }

    /** Loads up to {@code most} primaries in one client; says how many fit and what refused the next. */
    private static String fillObjects(Tpm client, int most) {
        List<TpmObject> loaded = new ArrayList<>();
        try {
            while (loaded.size() < most) {
                try {
                    loaded.add(client.createPrimary(TpmRh.NULL, Templates.srkEccP256()));
                } catch (TpmResponseException e) {
                    return loaded.size() + " objects, then " + brief(e.responseCode());
                } catch (TpmTransportException e) {
                    return loaded.size() + " objects, then " + e.getMessage();
                }
            }
            return "all " + most + " held";
        } finally {
            loaded.forEach(TpmObject::close);
        }
    }

    /** One client's session, context-saved by the client, which then goes away without loading it again. */
    private static void abandonSession(Tpm client) {
        AuthSession session = client.startSession(Session.hmac(TpmAlg.SHA256));
        client.execute(new ContextSave(session.handle()));
    }

    private static int property(VtpmChips.Chip chip, TpmPt property) {
        try (LinuxTpmDevice device = LinuxTpmDevice.open(chip.resourceManager())) {
            return Tpm.on(device).allProperties().get(property.value());
        }
    }

    /** The kernel's /dev/tpmrmN shows every session at the TPM, whoever saved it. */
    private static int savedSessionsAtTheTpm(VtpmChips.Chip chip) {
        try (LinuxTpmDevice device = LinuxTpmDevice.open(chip.resourceManager())) {
            return Tpm.on(device).savedSessions().size();
        }
    }

    private record Gap(long cycles, String failure, boolean oldSessionWorks) {
    }

    /** Past the gap, with room for a resource manager's own saves. */
    private static final int EXTRA_CYCLES = 4_000;

    /**
     * The keeper starts a session and saves it; the churner saves and loads one of its own until something fails
     * or well past the gap. Then the keeper loads its old context and uses the session, if nothing failed.
     */
    private static Gap drive(Tpm keeper, Tpm churner, long gapMax) {
        // Audited, so that it can authorise a command that names no handle (GetRandom) at the end.
        AuthSession old = keeper.startSession(Session.hmac(TpmAlg.SHA256).audited());
        SavedContext oldContext = keeper.execute(new ContextSave(old.handle())).context();
        AuthSession churning = churner.startSession(Session.hmac(TpmAlg.SHA256));
        // Bytes, not typed calls: tens of thousands of cycles, in an emulator.
        TpmTransport wire = churner.transport();
        byte[] save = new TpmWriter().u16(0x8001).u32(14).u32(TpmCc.CONTEXT_SAVE.value()).u32(churning.handle()).toByteArray();
        long cycle = 0;
        while (cycle < gapMax + EXTRA_CYCLES) {
            cycle++;
            String failure = null;
            try {
                byte[] saved = wire.transmit(save);
                failure = failure("ContextSave", saved);
                if (failure == null) {
                    byte[] blob = Arrays.copyOfRange(saved, TpmHeader.SIZE, saved.length);
                    byte[] load = new TpmWriter().u16(0x8001).u32(TpmHeader.SIZE + blob.length)
                            .u32(TpmCc.CONTEXT_LOAD.value()).bytes(blob).toByteArray();
                    failure = failure("ContextLoad", wire.transmit(load));
                }
            } catch (TpmTransportException e) {
                // The kernel's RM reports its own failed context save as an errno, not as a response code.
                failure = e.syscall().isPresent() && e.errno().isPresent()
                        ? e.errno().get() + " from " + e.syscall().get() + "()" : e.getMessage();
            } catch (TpmException e) {
                failure = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            if (failure != null) {
                return new Gap(cycle, failure, false);
            }
        }
        assertEquals(old.handle(), keeper.execute(new ContextLoad(oldContext)).loadedHandle());
        boolean works = keeper.execute(new GetRandom(8), old).randomBytes().length == 8;
        churning.close();
        old.close();
        return new Gap(cycle, null, works);
    }

    private static String failure(String command, byte[] response) {
        int rc = TpmHeader.ofResponse(response).code();
        return rc == 0 ? null : command + " answered " + brief(new ResponseCode(rc));
    }

    /**
     * A chip whose TPM never answers TPM2_ReadClock until released: one client sends it, another is idle, then the
     * proxy is closed (the chip removed). Both must get TpmDeviceRemovedException and the nodes must go.
     */
    private static String removeWhileStuck(boolean kernel) throws Exception {
        VtpmChips.HeldReadClock readClock = new VtpmChips.HeldReadClock();
        VtpmChips.HeldReadClock.Hold held = readClock.next();
        try (VtpmChips.Chip chip = VtpmChips.Chip.start(readClock.trap())) {
            if (kernel) {
                try (LinuxTpmDevice stuck = LinuxTpmDevice.open(chip.resourceManager());
                     LinuxTpmDevice idle = LinuxTpmDevice.open(chip.resourceManager())) {
                    return removeWhile(chip, Tpm.on(stuck), Tpm.on(idle), held.arrived());
                }
            }
            try (TpmChip backend = chip.forTpm4j(); ResourceManager rm = ResourceManager.over(backend);
                 Space stuck = rm.openSpace("stuck"); Space idle = rm.openSpace("idle")) {
                return removeWhile(chip, Tpm.on(stuck), Tpm.on(idle), held.arrived());
            }
        } finally {
            held.release().countDown();
        }
    }

    private static String removeWhile(VtpmChips.Chip chip, Tpm stuck, Tpm idle, CountDownLatch arrived) throws Exception {
        CompletableFuture<?> clock = CompletableFuture.supplyAsync(stuck::readClock);
        assertTrue(arrived.await(20, TimeUnit.SECONDS), "TPM2_ReadClock did not reach the TPM");
        long start = System.nanoTime();
        chip.proxy().close();
        ExecutionException failed = assertThrows(ExecutionException.class, () -> clock.get(20, TimeUnit.SECONDS));
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertInstanceOf(TpmDeviceRemovedException.class, failed.getCause(), "the stuck command");
        assertThrows(TpmDeviceRemovedException.class, () -> idle.getRandom(8), "the idle client");
        VtpmChips.awaitExists(chip.resourceManager(), false);
        return "the stuck command failed with TpmDeviceRemovedException " + millis + " ms after removal, "
                + "the idle client too, and the nodes went";
    }
}
