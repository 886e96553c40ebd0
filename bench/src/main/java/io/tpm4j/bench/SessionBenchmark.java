package io.tpm4j.bench;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.commands.StartAuthSession;
import io.tpm4j.api.crypto.SecretSharing;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.Kdf;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.api.wire.TpmWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

/**
 * Sessions on {@code swtpm chardev}: TPM2_Sign (ECDSA P-256) authorised by an HMAC session salted to the
 * SRK that also encrypts the digest (decrypt), and TPM2_StartAuthSession + TPM2_FlushContext; each through
 * tpm4j and through a bare loop that does the same session math (KDFa, AES-CFB, cpHash, HMAC, rpHash,
 * response HMAC check) with JCA objects prepared once and the command bytes in native memory.
 */
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
// A pre-touched fixed heap, as in the other round-trip benchmarks (see LoadSignFlushBenchmark).
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class SessionBenchmark {

    static final byte[] DIGEST = LoadSignFlushBenchmark.digest();

    /** tpm4j: the SRK, a loaded signing key and a salted, encrypting HMAC session. */
    @State(Scope.Benchmark)
    public static class Tpm4jSession {
        TpmObject srk;
        TpmObject key;
        AuthSession session;

        @Setup(Level.Trial)
        public void start(Tpm4jSwtpm s) {
            srk = s.tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
            key = s.tpm.load(srk, s.tpm.create(srk, Templates.eccSigningKey()));
            session = s.tpm.startSession(Session.hmac(TpmAlg.SHA256).salted(srk.handle(), srk.publicArea()).encrypted());
        }
    }

    @Benchmark
    public Signature tpm4jSign(Tpm4jSwtpm s, Tpm4jSession k) {
        return s.tpm.execute(new Sign(k.key.handle(), Authorization.session(k.session, new byte[0]).forEntity(k.key.name()), DIGEST, Scheme.NULL,
                Sign.nullTicket())).signature();
    }

    @Benchmark
    public int tpm4jStartAndFlush(Tpm4jSwtpm s) {
        try (AuthSession session = s.tpm.startSession(Session.hmac(TpmAlg.SHA256))) {
            return session.handle();
        }
    }

    /** The floor: the same session math by hand, on its own swtpm, with everything allocated once. */
    @State(Scope.Benchmark)
    public static class Bare {
        BareTpm bare;
        int keyHandle;
        byte[] keyName;
        int sessionHandle;
        byte[] sessionKey;
        byte[] nonceTpm;
        final byte[] nonceCaller = new byte[32];
        final SecureRandom random = new SecureRandom();
        Mac hmac;
        MessageDigest sha256;
        Cipher cfb;
        MemorySegment startSession;
        MemorySegment flush;

        @Setup(Level.Trial)
        public void start() throws Exception {
            bare = new BareTpm(-1);
            // Set-up through tpm4j; only the measured loops are bare.
            Tpm tpm = Tpm.on(bare.transport());
            tpm.startupIfNeeded();
            TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
            TpmObject key = tpm.load(srk, tpm.create(srk, Templates.eccSigningKey()));
            keyHandle = key.handle();
            keyName = key.name();
            // An ECC salt to the SRK (ephemeral ECDH, KDFe as Part 1 defines it).
            SecretSharing.Shared salt = SecretSharing.share(srk.publicArea(), "SECRET");
            byte[] callerNonce = new byte[32];
            random.nextBytes(callerNonce);
            StartAuthSession.Response started = tpm.execute(new StartAuthSession(srk.handle(), TpmRh.NULL, callerNonce,
                    salt.encrypted(), StartAuthSession.HMAC, SymmetricDefinition.AES_128_CFB, TpmAlg.SHA256));
            sessionHandle = started.sessionHandle();
            nonceTpm = started.nonceTpm();
            sessionKey = Kdf.kdfa(TpmAlg.SHA256, salt.value(), "ATH", nonceTpm, callerNonce, 256);
            hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(sessionKey, "HmacSHA256"));
            sha256 = MessageDigest.getInstance("SHA-256");
            cfb = Cipher.getInstance("AES/CFB/NoPadding");
            startSession = bare.arena.allocateFrom(ValueLayout.JAVA_BYTE, new TpmWriter().u16(TpmHeader.ST_NO_SESSIONS)
                    .u32(59).u32(TpmCc.START_AUTH_SESSION.value()).u32(TpmRh.NULL).u32(TpmRh.NULL).tpm2b(new byte[32])
                    .u16(0).u8(StartAuthSession.HMAC).u16(TpmAlg.NULL.value()).u16(TpmAlg.SHA256.value()).toByteArray());
            flush = bare.arena.allocateFrom(ValueLayout.JAVA_BYTE, new TpmWriter().u16(TpmHeader.ST_NO_SESSIONS).u32(14)
                    .u32(TpmCc.FLUSH_CONTEXT.value()).u32(0).toByteArray());
            int signed = bareSign(this);
            for (int attempt = 0; signed == TPM_RC_RETRY && attempt < 3; attempt++) {
                signed = bareSign(this); // swtpm answers its first ECDSA signature with TPM_RC_RETRY
            }
            int startedAndFlushed = bareStartAndFlush(this);
            if (signed != 0 || startedAndFlushed != 0) {
                throw new IllegalStateException(String.format("the bare loop's commands failed: Sign 0x%x, "
                        + "StartAuthSession+FlushContext 0x%x", signed, startedAndFlushed));
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            bare.close();
        }
    }

    @Benchmark
    public int bareLoop(Bare s) throws Exception {
        return bareSign(s);
    }

    @Benchmark
    public int bareLoopStartAndFlush(Bare s) {
        return bareStartAndFlush(s);
    }

    private static final byte[] SIGN_CODE = {0, 0, 0x01, 0x5D};
    private static final int TPM_RC_RETRY = 0x922;
    private static final int ATTRIBUTES = 0x21; // continueSession | decrypt

    /**
     * TPM2_Sign in the salted session: the digest encrypted with AES-128-CFB (KDFa "CFB"), cpHash over code,
     * key Name and parameters, the command HMAC; then rpHash and the response HMAC checked, nonce rolled.
     * Returns the response code.
     */
    static int bareSign(Bare s) throws Exception {
        s.random.nextBytes(s.nonceCaller);
        Mac mac = s.hmac;
        // KDFa(SHA256, sessionKey, "CFB", nonceCaller, nonceTPM, 256): one HMAC block gives key and IV.
        mac.update(new byte[] {0, 0, 0, 1, 'C', 'F', 'B', 0});
        mac.update(s.nonceCaller);
        mac.update(s.nonceTpm);
        byte[] keyIv = mac.doFinal(new byte[] {0, 0, 1, 0});
        s.cfb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keyIv, 0, 16, "AES"), new IvParameterSpec(keyIv, 16, 16));
        byte[] encrypted = s.cfb.doFinal(DIGEST);
        // Parameters: digest (TPM2B), inScheme (NULL), validation (TPM_ST_HASHCHECK, TPM_RH_NULL, empty).
        byte[] parameters = new byte[2 + 32 + 2 + 8];
        parameters[1] = 32;
        System.arraycopy(encrypted, 0, parameters, 2, 32);
        parameters[34] = 0x00;
        parameters[35] = 0x10;
        parameters[36] = (byte) 0x80;
        parameters[37] = 0x24;
        parameters[38] = 0x40;
        parameters[41] = 0x07;
        s.sha256.update(SIGN_CODE);
        s.sha256.update(s.keyName);
        byte[] cpHash = s.sha256.digest(parameters);
        mac.update(cpHash);
        mac.update(s.nonceCaller);
        mac.update(s.nonceTpm);
        mac.update((byte) ATTRIBUTES);
        byte[] commandHmac = mac.doFinal();
        MemorySegment c = s.bare.command;
        int authSize = 4 + 2 + 32 + 1 + 2 + 32;
        int size = 10 + 4 + 4 + authSize + parameters.length;
        c.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x80);
        c.set(ValueLayout.JAVA_BYTE, 1, (byte) 0x02);
        c.set(BareTpm.BIG_ENDIAN_INT, 2, size);
        c.set(BareTpm.BIG_ENDIAN_INT, 6, TpmCc.SIGN.value());
        c.set(BareTpm.BIG_ENDIAN_INT, 10, s.keyHandle);
        c.set(BareTpm.BIG_ENDIAN_INT, 14, authSize);
        c.set(BareTpm.BIG_ENDIAN_INT, 18, s.sessionHandle);
        c.set(ValueLayout.JAVA_BYTE, 22, (byte) 0);
        c.set(ValueLayout.JAVA_BYTE, 23, (byte) 32);
        MemorySegment.copy(s.nonceCaller, 0, c, ValueLayout.JAVA_BYTE, 24, 32);
        c.set(ValueLayout.JAVA_BYTE, 56, (byte) ATTRIBUTES);
        c.set(ValueLayout.JAVA_BYTE, 57, (byte) 0);
        c.set(ValueLayout.JAVA_BYTE, 58, (byte) 32);
        MemorySegment.copy(commandHmac, 0, c, ValueLayout.JAVA_BYTE, 59, 32);
        MemorySegment.copy(parameters, 0, c, ValueLayout.JAVA_BYTE, 91, parameters.length);
        int length = s.bare.roundTrip(size);
        int rc = s.bare.responseCode();
        if (rc != 0) {
            return rc;
        }
        MemorySegment r = s.bare.response;
        int parameterSize = r.get(BareTpm.BIG_ENDIAN_INT, 10);
        byte[] responseParameters = r.asSlice(14, parameterSize).toArray(ValueLayout.JAVA_BYTE);
        int at = 14 + parameterSize;
        byte[] newNonce = r.asSlice(at + 2, 32).toArray(ValueLayout.JAVA_BYTE);
        byte attributes = r.get(ValueLayout.JAVA_BYTE, at + 34);
        byte[] responseHmac = r.asSlice(at + 37, 32).toArray(ValueLayout.JAVA_BYTE);
        s.sha256.update(new byte[4]);
        s.sha256.update(SIGN_CODE);
        byte[] rpHash = s.sha256.digest(responseParameters);
        mac.update(rpHash);
        mac.update(newNonce);
        mac.update(s.nonceCaller);
        mac.update(attributes);
        if (!MessageDigest.isEqual(mac.doFinal(), responseHmac) || at + 69 != length) {
            throw new IllegalStateException("the response HMAC does not verify");
        }
        s.nonceTpm = newNonce;
        return 0;
    }

    /** TPM2_StartAuthSession (unsalted HMAC session, fresh nonceCaller) and TPM2_FlushContext of its handle. */
    static int bareStartAndFlush(Bare s) {
        s.random.nextBytes(s.nonceCaller);
        MemorySegment.copy(s.startSession, 0, s.bare.command, 0, s.startSession.byteSize());
        MemorySegment.copy(s.nonceCaller, 0, s.bare.command, ValueLayout.JAVA_BYTE, 20, 32);
        s.bare.roundTrip(s.startSession.byteSize());
        int rc = s.bare.responseCode();
        int handle = s.bare.response.get(BareTpm.BIG_ENDIAN_INT, 10);
        MemorySegment.copy(s.flush, 0, s.bare.command, 0, s.flush.byteSize());
        s.bare.command.set(BareTpm.BIG_ENDIAN_INT, 10, handle);
        s.bare.roundTrip(s.flush.byteSize());
        return rc | s.bare.responseCode();
    }
}
