package io.tpm4j.apiswtpm;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmTimeoutException;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.types.AlgorithmProperty;
import io.tpm4j.api.types.CommandAttributes;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmPt;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.ffi.SwtpmProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The foundation's typed commands (Startup, GetRandom, GetCapability, PCR_Read) against swtpm. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TpmFacadeTest extends WithSharedTpm {

    @Test
    void randomOfAnyLength() {
        assertEquals(0, tpm.getRandom(0).length);
        assertEquals(1000, tpm.getRandom(1000).length);
        assertThrows(IllegalArgumentException.class, () -> tpm.getRandom(-1));
    }

    @Test
    void propertiesOfBothGroupsPagedToTheEnd() {
        Map<Integer, Integer> all = tpm.allProperties();
        assertEquals(0x49424d00, all.get(TpmPt.MANUFACTURER.value()), "swtpm reports manufacturer IBM");
        assertTrue(all.containsKey(TpmPt.PERMANENT.value()));
        assertTrue(all.containsKey(TpmPt.TOTAL_COMMANDS.value()));
        assertTrue(tpm.properties(TpmPt.PT_VAR).stream().allMatch(p -> (p.property() & 0xFFFFFF00) == TpmPt.PT_VAR));
    }

    @Test
    void eachPropertyGroupTakesOneRoundTripWhenItFits() {
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        Tpm counting = Tpm.on(command -> {
            sent.incrementAndGet();
            return tpm.transport().transmit(command);
        });
        Map<Integer, Integer> all = counting.allProperties();
        assertTrue(all.size() < 127, "swtpm's properties of each group fit in one TPM_CAP_TPM_PROPERTIES answer");
        assertEquals(2, sent.get(), "one GetCapability per group, no paging past a group's end");
        assertEquals(tpm.properties(TpmPt.PT_FIXED).size() + tpm.properties(TpmPt.PT_VAR).size(), all.size());
    }

    @Test
    void commandsMatchTheTotal() {
        List<CommandAttributes> commands = tpm.commands();
        assertEquals(tpm.allProperties().get(TpmPt.TOTAL_COMMANDS.value()), commands.size());
        CommandAttributes load = commands.stream().filter(c -> c.commandCode() == TpmCc.LOAD.value()).findFirst()
                .orElseThrow();
        assertEquals(1, load.commandHandles());
        assertTrue(load.responseHandle());
    }

    @Test
    void algorithmsIncludeTheBasics() {
        List<Integer> algs = tpm.algorithms().stream().map(AlgorithmProperty::alg).toList();
        assertTrue(algs.containsAll(List.of(TpmAlg.SHA256.value(), TpmAlg.RSA.value(), TpmAlg.ECC.value(),
                TpmAlg.AES.value())), algs.toString());
        AlgorithmProperty sha256 = tpm.algorithms().stream().filter(a -> a.alg() == TpmAlg.SHA256.value())
                .findFirst().orElseThrow();
        assertTrue(sha256.has(AlgorithmProperty.HASH));
    }

    @Test
    void noTransientObjectsAreLoaded() {
        assertEquals(List.of(), tpm.handles(TpmHt.TRANSIENT));
        assertTrue(tpm.handles(TpmHt.PCR).size() >= 24);
    }

    @Test
    void allPcrsOfABankTakeSeveralReads() {
        PcrSelection sha256 = tpm.pcrBanks().stream().filter(b -> b.hashAlg() == TpmAlg.SHA256.value()).findFirst()
                .orElseThrow();
        assertEquals(24, sha256.indices().size());
        Map<Integer, byte[]> values = tpm.pcrValues(TpmAlg.SHA256, IntStream.range(0, 24).toArray());
        assertEquals(24, values.size());
        assertTrue(values.values().stream().allMatch(v -> v.length == 32));
        // A selection wider than the TPM's PCR_SELECT_MAX is the TPM's TPM_RC_VALUE on parameter 1, decoded.
        io.tpm4j.api.TpmResponseException e = assertThrows(io.tpm4j.api.TpmResponseException.class,
                () -> tpm.pcrValues(TpmAlg.SHA256, 200));
        assertTrue(e.is(io.tpm4j.api.types.TpmRc.VALUE));
        assertEquals(1, e.responseCode().parameterNumber().orElseThrow());
    }

    @Test
    void pcrExtendWithPasswordAuthorisationMatchesAHashComputedHere() throws Exception {
        byte[] before = tpm.pcrValues(TpmAlg.SHA256, 16).get(16);
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest("tpm4j".getBytes());
        tpm.pcrExtend(16, new io.tpm4j.api.types.TaggedDigest(TpmAlg.SHA256, digest));
        java.security.MessageDigest sha256 = java.security.MessageDigest.getInstance("SHA-256");
        sha256.update(before);
        sha256.update(digest);
        org.junit.jupiter.api.Assertions.assertArrayEquals(sha256.digest(), tpm.pcrValues(TpmAlg.SHA256, 16).get(16));
        // A wrong password on a PCR that has no authValue is the TPM's AUTH_FAIL for session 1, decoded.
        io.tpm4j.api.TpmResponseException e = assertThrows(io.tpm4j.api.TpmResponseException.class,
                () -> tpm.execute(new io.tpm4j.api.commands.PcrExtend(16,
                        io.tpm4j.api.session.Authorization.password("wrong".getBytes()),
                        List.of(new io.tpm4j.api.types.TaggedDigest(TpmAlg.SHA256, digest)))));
        assertTrue(e.is(io.tpm4j.api.types.TpmRc.AUTH_FAIL) || e.is(io.tpm4j.api.types.TpmRc.BAD_AUTH), e.getMessage());
        assertEquals(1, e.responseCode().sessionNumber().orElseThrow());
    }

    @Test
    void socketTransportCloseWakesAWaitingCommand() throws Exception {
        whileASocketSwtpmIsStopped(Duration.ofSeconds(30), (sock, t) -> {
            java.util.concurrent.CompletableFuture<Throwable> waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    t.getRandom(8);
                    return null;
                } catch (Throwable e) {
                    return e;
                }
            });
            Thread.sleep(200);
            sock.transport().close();
            Throwable e = waiting.get(5, TimeUnit.SECONDS);
            assertTrue(e instanceof IllegalStateException && e.getMessage().contains("closed while waiting"),
                    String.valueOf(e));
        });
    }

    @Test
    void socketTransportTimesOutAndThenRefusesToGuess() throws Exception {
        whileASocketSwtpmIsStopped(Duration.ofMillis(300), (sock, t) -> {
            TpmTimeoutException e = assertThrows(TpmTimeoutException.class, () -> t.getRandom(8));
            assertTrue(e.getMessage().contains("TPM2_GetRandom"), e.getMessage());
            TpmTransportException next = assertThrows(TpmTransportException.class, () -> t.getRandom(8));
            assertTrue(next.getMessage().contains("unusable"), next.getMessage());
        });
    }

    /** What a test does with a started socket-mode swtpm and a Tpm on it, while the swtpm does not answer. */
    private interface WhileStopped {
        void run(Swtpm swtpm, Tpm tpm) throws Exception;
    }

    /**
     * Starts a socket-mode swtpm whose transport waits {@code timeout} per command, sends TPM2_Startup, stops
     * the process (SIGSTOP) for {@code test}, then lets it continue and stops it for good.
     */
    private static void whileASocketSwtpmIsStopped(Duration timeout, WhileStopped test) throws Exception {
        try (Swtpm sock = Swtpm.startSocket(CommandTimeouts.fixed(timeout))) {
            Tpm t = Tpm.on(sock.transport());
            t.startupIfNeeded();
            SwtpmProcesses.signal("STOP", sock.pid());
            try {
                test.run(sock, t);
            } finally {
                SwtpmProcesses.signal("CONT", sock.pid());
            }
        }
    }
}
