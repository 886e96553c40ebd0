package io.tpm4j.api;

import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.NvDefineSpace;
import io.tpm4j.api.commands.PolicyPcr;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.testing.CountingTransport;
import io.tpm4j.api.testing.SocketSwtpm;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the secure default costs: TPM commands per facade call with parameter encryption on, counted at the
 * transport on swtpm after a first call has set the channel up. On a chip every one of them is milliseconds.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SecretChannelCostTest {

    private static final int CALLS = 20;
    private static final int NV_INDEX = 0x01500020;

    private SocketSwtpm swtpm;
    private CountingTransport counted;
    private Tpm tpm;
    private TpmObject srk;

    @BeforeEach
    void start() {
        swtpm = SocketSwtpm.start();
        counted = new CountingTransport(swtpm.unclosable());
        tpm = Tpm.on(counted);
        srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
    }

    @AfterEach
    void stop() {
        try {
            srk.close();
            Tpm raw = Tpm.on(swtpm.unclosable());
            List<Integer> channel = tpm.secretChannelSessions();
            tpm.close();
            assertEquals(List.of(), raw.loadedSessions(), "sessions left after close (the channel had " + channel + ")");
            assertEquals(List.of(), raw.handles(TpmHt.TRANSIENT), "objects left");
        } finally {
            swtpm.close();
        }
    }

    /** Runs {@code call} once to set up, then CALLS times counted; returns the commands per call and checks the mix. */
    private void assertSteadyCost(String what, IntConsumer call, Map<TpmCc, Integer> perCall) {
        call.accept(-1);
        counted.reset();
        for (int i = 0; i < CALLS; i++) {
            call.accept(i);
        }
        Map<String, Long> expected = new java.util.TreeMap<>();
        perCall.forEach((code, n) -> expected.put(code.specName(), (long) n * CALLS));
        assertEquals(expected, counted.byCode(), what + ": TPM commands in " + CALLS + " calls");
    }

    @Test
    void hmacCostsOneCommand() {
        try (TpmObject key = tpm.load(srk, tpm.create(srk, Templates.hmacKey()))) {
            assertSteadyCost("hmac", i -> tpm.hmac(key, new byte[] {(byte) i}), Map.of(TpmCc.HMAC, 1));
        }
    }

    @Test
    void symmetricEncryptionAndDecryptionCostOneCommandEach() {
        try (TpmObject key = tpm.load(srk, tpm.create(srk, Templates.aesCfbKey(128)))) {
            byte[] iv = new byte[16];
            assertSteadyCost("encrypt", i -> tpm.encrypt(key, iv, new byte[32]), Map.of(TpmCc.ENCRYPT_DECRYPT_2, 1));
            byte[] cipherText = tpm.encrypt(key, iv, "sixteen byte msg".getBytes());
            assertSteadyCost("decrypt", i -> assertArrayEquals("sixteen byte msg".getBytes(),
                    tpm.decrypt(key, iv, cipherText)), Map.of(TpmCc.ENCRYPT_DECRYPT_2, 1));
        }
    }

    @Test
    void rsaDecryptCostsOneCommand() {
        try (TpmObject key = tpm.load(srk, tpm.create(srk, Templates.rsaDecryptionKey()))) {
            byte[] cipherText = tpm.rsaEncrypt(key, "secret".getBytes());
            assertSteadyCost("rsaDecrypt", i -> assertArrayEquals("secret".getBytes(), tpm.rsaDecrypt(key, cipherText)),
                    Map.of(TpmCc.RSA_DECRYPT, 1));
        }
    }

    @Test
    void nvWriteAndReadCostOneCommandPerChunkAndOneReadPublicForANewIndex() {
        NvPublic nv = new NvPublic(NV_INDEX, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY, NvAttributes.AUTHWRITE,
                NvAttributes.AUTHREAD, NvAttributes.NO_DA), new byte[0], 64);
        // Defined behind the facade's back: the facade has not seen it.
        tpm.execute(new NvDefineSpace(TpmRh.OWNER, Authorization.emptyPassword(), new byte[0], nv));
        try {
            Authorization index = Authorization.emptyPassword();
            tpm.seal(srk, new byte[1], PolicyDigest.start(TpmAlg.SHA256)); // sets the channel up, not counted here
            counted.reset();
            tpm.nvWrite(NV_INDEX, index, new byte[64]);
            assertEquals(List.of(TpmCc.NV_READ_PUBLIC, TpmCc.NV_WRITE), counted.sent(), "first write of an unseen index");
            assertSteadyCost("nvWrite", i -> tpm.nvWrite(NV_INDEX, index, new byte[] {(byte) i, 2, 3}),
                    Map.of(TpmCc.NV_WRITE, 1));
            assertSteadyCost("nvRead", i -> assertEquals(64, tpm.nvRead(NV_INDEX, index).length),
                    Map.of(TpmCc.NV_READ, 1));
        } finally {
            tpm.nvUndefine(NV_INDEX);
        }
    }

    @Test
    void sealCostsOneCommandAndUnsealFourPlusThePolicy() {
        byte[] pcr16 = tpm.pcrValues(TpmAlg.SHA256, 16).get(16);
        PolicyDigest policy = PolicyDigest.start(TpmAlg.SHA256).pcr(TpmAlg.SHA256, Map.of(16, pcr16));
        assertSteadyCost("seal", i -> tpm.seal(srk, new byte[] {(byte) i}, policy), Map.of(TpmCc.CREATE, 1));
        Create.Response sealed = tpm.seal(srk, "disk key".getBytes(), policy);
        assertSteadyCost("unseal", i -> assertArrayEquals("disk key".getBytes(), tpm.unseal(srk, sealed,
                session -> tpm.execute(new PolicyPcr(session.handle(), new byte[0],
                        List.of(PcrSelection.of(TpmAlg.SHA256, 16)))))),
                Map.of(TpmCc.LOAD, 1, TpmCc.START_AUTH_SESSION, 1, TpmCc.POLICY_PCR, 1, TpmCc.UNSEAL, 1,
                        TpmCc.FLUSH_CONTEXT, 1));
    }

    @Test
    void aSessionFlushedBehindTheFacadesBackIsReplacedOnce() {
        try (TpmObject key = tpm.load(srk, tpm.create(srk, Templates.hmacKey()))) {
            byte[] expected = tpm.hmac(key, "data".getBytes());
            List<Integer> before = tpm.secretChannelSessions();
            assertEquals(1, before.size());
            Tpm.on(swtpm.unclosable()).execute(new FlushContext(before.getFirst()));
            counted.reset();
            assertArrayEquals(expected, tpm.hmac(key, "data".getBytes()));
            assertEquals(List.of(TpmCc.HMAC, TpmCc.CONTEXT_LOAD, TpmCc.START_AUTH_SESSION, TpmCc.FLUSH_CONTEXT,
                    TpmCc.HMAC), counted.sent(), "refused, the SRK loaded from its saved context (not created "
                    + "again), a new session, the SRK flushed, sent again");
            assertEquals(1, tpm.secretChannelSessions().size());
            assertSteadyCost("hmac after the restart", i -> tpm.hmac(key, new byte[1]), Map.of(TpmCc.HMAC, 1));
        }
    }

    /** swtpm answers the first HMAC with TPM_RC_RETRY while it tests the algorithm; get that out of the count. */
    private void selfTestHmac(TpmObject key) {
        tpm.withoutParameterEncryption().hmac(key, new byte[1]);
    }

    @Test
    void theChannelSetsUpOnceWithTheSrkCreatedOnce() {
        try (TpmObject key = tpm.load(srk, tpm.create(srk, Templates.hmacKey()))) {
            selfTestHmac(key);
            counted.reset();
            tpm.hmac(key, new byte[1]);
            assertEquals(List.of(TpmCc.READ_PUBLIC, TpmCc.CREATE_PRIMARY, TpmCc.CONTEXT_SAVE,
                    TpmCc.START_AUTH_SESSION, TpmCc.FLUSH_CONTEXT, TpmCc.HMAC), counted.sent(),
                    "no SRK at 0x81000001: one made and its context kept, for the session's salt");
        }
    }

    @Test
    void aStandardSrkPersistedAt81000001IsUsedAsItIs() {
        tpm.persist(srk, 0x81000001);
        try (Tpm fresh = Tpm.on(new CountingTransport(swtpm.unclosable()));
             TpmObject key = tpm.load(srk, tpm.create(srk, Templates.hmacKey()))) {
            CountingTransport freshCount = (CountingTransport) fresh.transport();
            selfTestHmac(key);
            fresh.hmac(key, new byte[1]);
            assertEquals(List.of(TpmCc.READ_PUBLIC, TpmCc.START_AUTH_SESSION, TpmCc.HMAC), freshCount.sent());
        } finally {
            tpm.evict(0x81000001);
        }
    }

    @Test
    void threadsSharingOneTpmEachUseASessionOfTheChannelAtATime() throws Exception {
        try (TpmObject key = tpm.load(srk, tpm.create(srk, Templates.hmacKey()))) {
            byte[] expected = tpm.hmac(key, "same data".getBytes());
            java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                List<java.util.concurrent.Future<byte[]>> results = new java.util.ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    results.add(threads.submit(() -> tpm.hmac(key, "same data".getBytes())));
                }
                for (java.util.concurrent.Future<byte[]> result : results) {
                    assertArrayEquals(expected, result.get(60, TimeUnit.SECONDS));
                }
            } finally {
                threads.shutdownNow();
            }
            int sessions = tpm.secretChannelSessions().size();
            assertTrue(sessions >= 1 && sessions <= SecretChannel.MAX_SESSIONS, sessions + " channel sessions");
        }
    }

    @Test
    void anIndexWhoseNameChangedBehindTheFacadesBackIsReadAfreshAfterTheRefusal() {
        NvPublic nv = new NvPublic(NV_INDEX, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY,
                NvAttributes.AUTHWRITE, NvAttributes.AUTHREAD, NvAttributes.NO_DA), new byte[0], 8);
        tpm.nvDefine(nv, new byte[0]);   // the facade knows the index, not yet written
        try {
            // Another client's first write sets TPMA_NV_WRITTEN, and with it a new Name.
            Tpm.on(swtpm.unclosable()).withoutParameterEncryption()
                    .nvWrite(NV_INDEX, Authorization.emptyPassword(), new byte[8]);
            TpmResponseException refused = assertThrows(TpmResponseException.class,
                    () -> tpm.nvRead(NV_INDEX, Authorization.emptyPassword()));
            assertTrue(refused.is(io.tpm4j.api.types.TpmRc.BAD_AUTH), refused.getMessage());
            counted.reset();
            assertArrayEquals(new byte[8], tpm.nvRead(NV_INDEX, Authorization.emptyPassword()));
            assertEquals(List.of(TpmCc.NV_READ_PUBLIC, TpmCc.NV_READ), counted.sent(), "read afresh, then read");
        } finally {
            tpm.nvUndefine(NV_INDEX);
        }
    }

    @Test
    void theFacadeGivesUpItsIdleSessionWhenTheTpmHasNoRoomForTheCallers() {
        try (TpmObject key = tpm.load(srk, tpm.create(srk, Templates.hmacKey()))) {
            byte[] expected = tpm.hmac(key, new byte[1]);
            assertEquals(1, tpm.secretChannelSessions().size());
            List<io.tpm4j.api.session.AuthSession> mine = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {   // swtpm holds three loaded sessions: the third needs the channel's slot
                    mine.add(tpm.startSession(io.tpm4j.api.session.Session.hmac(TpmAlg.SHA256)));
                }
                assertEquals(List.of(), tpm.secretChannelSessions(), "the idle channel session was flushed");
            } finally {
                mine.forEach(io.tpm4j.api.session.AuthSession::close);
            }
            assertArrayEquals(expected, tpm.hmac(key, new byte[1]), "the channel starts again when next needed");
        }
    }

    @Test
    void aResponseThatFailsItsHmacRetiresTheChannelsSession() {
        java.util.concurrent.atomic.AtomicBoolean tamper = new java.util.concurrent.atomic.AtomicBoolean();
        TpmTransport tampering = command -> {
            byte[] response = swtpm.transport().transmit(command);
            if (tamper.getAndSet(false)) {
                response[response.length - 1] ^= 1; // the last byte of the response HMAC
            }
            return response;
        };
        Tpm raw = Tpm.on(swtpm.unclosable());
        try (Tpm victim = Tpm.on(tampering); TpmObject key = tpm.load(srk, tpm.create(srk, Templates.hmacKey()))) {
            byte[] expected = victim.hmac(key, new byte[1]);
            int first = victim.secretChannelSessions().getFirst();
            tamper.set(true);
            assertThrows(TpmIntegrityException.class, () -> victim.hmac(key, new byte[1]));
            assertEquals(List.of(), victim.secretChannelSessions(), "its nonces are unknown now: not used again");
            assertFalse(raw.loadedSessions().contains(first), "and flushed");
            assertArrayEquals(expected, victim.hmac(key, new byte[1]));
        }
    }

    @Test
    void aNameIsNotKeptPastAFlushThroughAnotherView() {
        Tpm other = tpm.withRetries(RetryPolicy.none());
        TpmObject first = tpm.load(srk, tpm.create(srk, Templates.hmacKey()));
        int handle = first.handle();
        assertEquals(32, tpm.hmac(first, new byte[1]).length); // a session command: the old facade kept the Name
        other.execute(new FlushContext(handle));
        try (TpmObject second = other.load(srk, other.create(srk, Templates.hmacKey()))) {
            assertEquals(handle, second.handle(), "swtpm hands the handle out again");
            try (io.tpm4j.api.session.AuthSession session = tpm.startSession(
                    io.tpm4j.api.session.Session.hmac(TpmAlg.SHA256))) {
                byte[] mac = tpm.execute(new io.tpm4j.api.commands.Hmac(handle,
                        Authorization.session(session, new byte[0]), new byte[1], TpmAlg.NULL.value())).outHmac();
                assertArrayEquals(tpm.withoutParameterEncryption().hmac(second, new byte[1]), mac);
            }
            assertTrue(tpm.hmac(second, new byte[1]).length == 32);
        }
    }
}
