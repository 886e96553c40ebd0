package io.tpm4j.apiswtpm;

import io.tpm4j.api.RetryPolicy;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.commands.Certify;
import io.tpm4j.api.commands.CertifyCreation;
import io.tpm4j.api.commands.Commit;
import io.tpm4j.api.commands.ContextSave;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.CreatePrimary;
import io.tpm4j.api.commands.EcEphemeral;
import io.tpm4j.api.commands.EccParameters;
import io.tpm4j.api.commands.EcdhKeyGen;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.GetCapability;
import io.tpm4j.api.commands.GetTestResult;
import io.tpm4j.api.commands.GetTime;
import io.tpm4j.api.commands.Hash;
import io.tpm4j.api.commands.Load;
import io.tpm4j.api.commands.MakeCredential;
import io.tpm4j.api.commands.NvReadPublic;
import io.tpm4j.api.commands.PcrRead;
import io.tpm4j.api.commands.Quote;
import io.tpm4j.api.commands.ReadClock;
import io.tpm4j.api.commands.ReadPublic;
import io.tpm4j.api.commands.RsaEncrypt;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.commands.StartAuthSession;
import io.tpm4j.api.commands.TpmCommand;
import io.tpm4j.api.commands.VerifySignature;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.testing.CommandRecords;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCap;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.ffi.Swtpm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hostile responses for every response parser: real swtpm responses mutated thousands of times each, and
 * random well-framed responses for every command record. The only failure a parser may report is
 * {@link TpmProtocolException} (or {@link TpmResponseException} when the mutation hit the response code), and
 * no parse may allocate more than a small multiple of the response it was given.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ResponseFuzzTest {

    private static final int MUTATIONS_PER_SEED = 1500;
    private static final int RANDOM_PER_COMMAND = 400;
    /** A parse may allocate this much plus 64 bytes per response byte; untrusted lengths must not drive more. */
    private static final long ALLOCATION_ALLOWANCE = 64 * 1024;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private record Seed(TpmCommand<?> command, byte[] response) {
    }

    private final SplittableRandom random = new SplittableRandom(0x7504_2026L);
    private int parses;

    @Test
    void mutatedRealResponsesYieldOnlyProtocolExceptions() throws Exception {
        List<Seed> seeds = recordRealResponses();
        assertTrue(seeds.size() >= 25, seeds.size() + " seeds");
        for (Seed seed : seeds) {
            for (int i = 0; i < MUTATIONS_PER_SEED; i++) {
                parse(seed.command(), mutate(seed.response()));
            }
        }
        assertTrue(parses >= 25 * MUTATIONS_PER_SEED);
    }

    @Test
    void randomResponsesForEveryCommandYieldOnlyProtocolExceptions() {
        for (TpmCommand<?> command : CommandRecords.byCode().values()) {
            for (int i = 0; i < RANDOM_PER_COMMAND; i++) {
                byte[] response = framedRandom(command);
                parse(command, random.nextInt(4) == 0 ? mutate(response) : response);
            }
        }
        assertTrue(parses >= 100 * RANDOM_PER_COMMAND);
    }

    /**
     * One parse of {@code response} as the answer to {@code command}, exactly as {@code Tpm.execute} does it;
     * then the same parse again, warm, with its allocation measured (the first may load classes).
     */
    private void parse(TpmCommand<?> command, byte[] response) {
        Tpm tpm = Tpm.on(request -> response).withRetries(RetryPolicy.none());
        parseOnce(tpm, command, response);
        long before = THREADS.getCurrentThreadAllocatedBytes();
        parseOnce(tpm, command, response);
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        if (allocated > ALLOCATION_ALLOWANCE + 64L * response.length) {
            fail(command.code().specName() + " allocated " + allocated + " bytes parsing " + response.length);
        }
        parses++;
    }

    private static void parseOnce(Tpm tpm, TpmCommand<?> command, byte[] response) {
        try {
            tpm.execute(command);
        } catch (TpmProtocolException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        } catch (TpmResponseException e) {
            if (response.length >= TpmHeader.SIZE && TpmHeader.ofResponse(response).code() == 0) {
                fail(command.code().specName() + ": TpmResponseException for a response with code 0", e);
            }
        } catch (RuntimeException | Error e) {
            fail(command.code().specName() + " threw " + e + " for " + java.util.HexFormat.of().formatHex(response), e);
        }
    }

    private byte[] mutate(byte[] seed) {
        byte[] out = seed.clone();
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds && out.length > 0; r++) {
            int at = random.nextInt(out.length);
            switch (random.nextInt(7)) {
                case 0 -> out[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> out[at] = (byte) (random.nextBoolean() ? 0xFF : 0x00);
                case 2 -> out[at] = (byte) random.nextInt(256);
                case 3 -> out = Arrays.copyOf(out, at);
                case 4 -> out = Arrays.copyOf(out, out.length + 1 + random.nextInt(64));
                case 5 -> { // a 16-bit size field made large, small or off by one
                    if (at + 1 < out.length) {
                        int value = random.nextBoolean() ? 0xFFFF - random.nextInt(3) : random.nextInt(4);
                        out[at] = (byte) (value >> 8);
                        out[at + 1] = (byte) value;
                    }
                }
                default -> { // a slice repeated, as a list element or TPM2B might be
                    int length = Math.min(out.length - at, 1 + random.nextInt(16));
                    byte[] grown = Arrays.copyOf(out, out.length + length);
                    System.arraycopy(out, at, grown, out.length, length);
                    out = grown;
                }
            }
        }
        // Mostly keep the header's size honest so parsing goes past the framing check.
        if (out.length >= TpmHeader.SIZE && random.nextInt(8) != 0) {
            new TpmWriterAt(out).u32(2, out.length);
        }
        return out;
    }

    /** A response with a correct header, handle and session framing, and random parameters. */
    private byte[] framedRandom(TpmCommand<?> command) {
        long auths = command.handles().stream().filter(h -> h.authorization().isPresent()).count();
        byte[] parameters = interestingBytes(random.nextInt(300));
        TpmWriter out = new TpmWriter().u16(auths == 0 ? TpmHeader.ST_NO_SESSIONS : TpmHeader.ST_SESSIONS).u32(0).u32(0);
        if (command.returnsHandle()) {
            out.u32(0x80000001);
        }
        if (auths > 0) {
            out.u32(parameters.length);
        }
        out.bytes(parameters);
        for (int i = 0; i < auths; i++) {
            out.tpm2b(new byte[32]).u8(1).tpm2b(new byte[0]);
        }
        return out.u32At(2, out.size()).toByteArray();
    }

    /** Bytes biased towards what parsers branch on: zeros, small counts and sizes, all-ones. */
    private byte[] interestingBytes(int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            out[i] = (byte) (kind < 4 ? 0 : kind < 5 ? 0xFF : kind < 7 ? random.nextInt(9) : random.nextInt(256));
        }
        return out;
    }

    /** Runs a script of real commands on a private swtpm and keeps each command with its real response. */
    private List<Seed> recordRealResponses() throws Exception {
        List<Seed> seeds = new ArrayList<>();
        try (Swtpm swtpm = Swtpm.startChardev()) {
            byte[][] last = new byte[1][];
            TpmTransport device = swtpm.transport();
            Tpm tpm = Tpm.on(request -> last[0] = device.transmit(request));
            tpm.startupIfNeeded();
            Recorder record = new Recorder(tpm, last, seeds);
            Authorization empty = Authorization.emptyPassword();

            record.run(new GetTestResult());
            for (TpmCap cap : List.of(TpmCap.ALGS, TpmCap.COMMANDS, TpmCap.PCRS, TpmCap.TPM_PROPERTIES,
                    TpmCap.PCR_PROPERTIES, TpmCap.ECC_CURVES, TpmCap.HANDLES, TpmCap.AUDIT_COMMANDS)) {
                record.run(new GetCapability(cap, cap == TpmCap.HANDLES ? 0x40000000 : 0, 64));
            }
            record.run(new PcrRead(List.of(PcrSelection.of(TpmAlg.SHA256, 0, 1, 2, 3, 4, 5, 6, 7),
                    PcrSelection.of(TpmAlg.SHA1, 0, 16))));
            record.run(new ReadClock());
            record.run(new Hash("fuzz".getBytes(), TpmAlg.SHA256, TpmRh.OWNER));
            record.run(new EccParameters(Templates.ECC_NIST_P256));
            record.run(new EcEphemeral(Templates.ECC_NIST_P256));
            int session = record.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, new byte[16], new byte[0],
                    StartAuthSession.HMAC, SymmetricDefinition.NULL, TpmAlg.SHA256)).sessionHandle();
            record.run(new ContextSave(session));
            tpm.execute(new FlushContext(session));

            List<Integer> loaded = new ArrayList<>();
            try {
                CreatePrimary.Response srk = record.run(new CreatePrimary(TpmRh.OWNER, empty, SensitiveCreate.EMPTY,
                        Templates.srkEccP256(), new byte[0], List.of(PcrSelection.of(TpmAlg.SHA256, 0))));
                int parent = srk.objectHandle();
                loaded.add(parent);
                CreatePrimary.Response rsa = record.run(new CreatePrimary(TpmRh.ENDORSEMENT, empty,
                        SensitiveCreate.EMPTY, Templates.rsaDecryptionKey(), new byte[0], List.of()));
                loaded.add(rsa.objectHandle());
                record.run(new ReadPublic(rsa.objectHandle()));
                record.run(new RsaEncrypt(rsa.objectHandle(), "secret".getBytes(), Scheme.NULL, new byte[0]));
                record.run(new MakeCredential(parent, "credential".getBytes(), rsa.outPublic().name()));
                record.run(new ContextSave(rsa.objectHandle()));
                flush(tpm, loaded, rsa.objectHandle());

                Create.Response created = record.run(new Create(parent, empty, SensitiveCreate.EMPTY,
                        Templates.eccAttestationKey(), new byte[0], List.of()));
                int ak = record.run(new Load(parent, empty, created.outPrivate(), created.outPublic())).objectHandle();
                loaded.add(ak);
                record.run(new Quote(ak, empty, "nonce".getBytes(), Scheme.NULL,
                        List.of(PcrSelection.of(TpmAlg.SHA256, 0, 7))));
                record.run(new Certify(parent, empty, ak, empty, new byte[0], Scheme.NULL));
                record.run(new CertifyCreation(ak, empty, parent, new byte[0], srk.creationHash(), Scheme.NULL,
                        srk.creationTicket()));
                record.run(new GetTime(TpmRh.ENDORSEMENT, empty, ak, empty, new byte[0], Scheme.NULL));
                record.run(new EcdhKeyGen(parent));
                flush(tpm, loaded, ak);

                Create.Response signer = tpm.execute(new Create(parent, empty, SensitiveCreate.EMPTY,
                        Templates.eccSigningKey(), new byte[0], List.of()));
                int key = tpm.execute(new Load(parent, empty, signer.outPrivate(), signer.outPublic())).objectHandle();
                loaded.add(key);
                byte[] digest = MessageDigest.getInstance("SHA-256").digest("fuzz".getBytes());
                Signature signature = record.run(new Sign(key, empty, digest, Scheme.NULL, Sign.nullTicket())).signature();
                record.run(new VerifySignature(key, digest, signature));
                record.run(new Commit(key, empty, Optional.empty(), new byte[0], new byte[0]), true);
                flush(tpm, loaded, key);

                int index = 0x01500200;
                tpm.nvDefine(new NvPublic(index, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY,
                        NvAttributes.AUTHREAD, NvAttributes.AUTHWRITE, NvAttributes.NO_DA), new byte[0], 16), new byte[0]);
                try {
                    record.run(new NvReadPublic(index));
                } finally {
                    tpm.nvUndefine(index);
                }
            } finally {
                for (int handle : List.copyOf(loaded)) {
                    flush(tpm, loaded, handle);
                }
            }
            assertEquals(List.of(), tpm.handles(io.tpm4j.api.types.TpmHt.TRANSIENT));
        }
        return seeds;
    }

    private static void flush(Tpm tpm, List<Integer> loaded, int handle) {
        tpm.execute(new FlushContext(handle));
        loaded.remove(Integer.valueOf(handle));
    }

    /** Runs commands on the recording TPM and keeps each with the bytes of its response. */
    private record Recorder(Tpm tpm, byte[][] last, List<Seed> seeds) {
        <R> R run(TpmCommand<R> command) {
            R result = tpm.execute(command);
            seeds.add(new Seed(command, last[0]));
            return result;
        }

        /** Keeps the (error) response of a command the TPM refuses, which the parser must handle too. */
        void run(TpmCommand<?> command, boolean expectRefusal) {
            try {
                tpm.execute(command);
            } catch (TpmResponseException e) {
                assertTrue(expectRefusal, e.getMessage());
            }
            seeds.add(new Seed(command, last[0]));
        }
    }

    /** Overwrites a big-endian u32 in place (the mutated response's size field). */
    private record TpmWriterAt(byte[] bytes) {
        void u32(int at, int value) {
            bytes[at] = (byte) (value >>> 24);
            bytes[at + 1] = (byte) (value >>> 16);
            bytes[at + 2] = (byte) (value >>> 8);
            bytes[at + 3] = (byte) value;
        }
    }
}
