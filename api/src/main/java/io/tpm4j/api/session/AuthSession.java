package io.tpm4j.api.session;

import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.commands.CommandRunner;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.StartAuthSession;
import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRh;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * A session started on the TPM: its handle, its session key and the rolling nonces. Use it through
 * {@link Authorization#session} (authorising a handle) or as an extra session of {@code Tpm.execute}
 * (encryption or audit only). Not for concurrent commands: each command rolls its nonces. Closing flushes
 * it, unless the TPM has ended it already.
 */
public final class AuthSession implements AutoCloseable {

    static final SecureRandom RANDOM = new SecureRandom();

    /** The caller's nonces of every session started through the public API: fresh from {@link #RANDOM}. */
    private static final IntFunction<byte[]> RANDOM_NONCES = AuthSession::random;

    private final CommandRunner runner;
    /** Where this session's caller nonces come from (its nonceCaller at the start, then one per command). */
    private final IntFunction<byte[]> nonces;
    private final int handle;
    private final Session options;
    private final byte[] sessionKey;
    /** The Name of the entity the session is bound to, or empty. */
    private final byte[] bindName;
    private byte[] nonceTpm;
    private byte[] auditDigest;
    private boolean ended;

    private AuthSession(CommandRunner runner, IntFunction<byte[]> nonces, int handle, Session options,
                        byte[] sessionKey, byte[] bindName, byte[] nonceTpm) {
        this.runner = runner;
        this.nonces = nonces;
        this.handle = handle;
        this.options = options;
        this.sessionKey = sessionKey;
        this.bindName = bindName;
        this.nonceTpm = nonceTpm;
        this.auditDigest = new byte[digestSize()];
    }

    /** TPM2_StartAuthSession with {@code options}: salt encrypted to the salt key, session key derived. */
    public static AuthSession start(CommandRunner runner, Session options) {
        return start(runner, options, RANDOM_NONCES);
    }

    /**
     * For replaying recorded exchanges in tests: {@link #start(CommandRunner, Session)} with this session's caller
     * nonces (at the start and for each command) taken from {@code nonces}, given the size in bytes, instead of
     * from a SecureRandom. Only this session uses it; sessions started through the public method stay random.
     */
    static AuthSession start(CommandRunner runner, Session options, IntFunction<byte[]> nonces) {
        int size = options.hash().digestSize().getAsInt();
        byte[] nonceCaller = nonces.apply(size);
        byte[] salt = new byte[0];
        byte[] encryptedSalt = new byte[0];
        int tpmKey = TpmRh.NULL;
        if (options.salt().isPresent()) {
            Session.SaltKey key = options.salt().get();
            Salts.Salt made = Salts.make(key.publicArea());
            salt = made.salt();
            encryptedSalt = made.encryptedSalt();
            tpmKey = key.handle();
        }
        int bind = options.bind().map(Session.Bind::handle).orElse(TpmRh.NULL);
        byte[] bindName = options.bind().isPresent() ? runner.nameOf(bind) : new byte[0];
        StartAuthSession.Response started = runner.execute(new StartAuthSession(tpmKey, bind, nonceCaller, encryptedSalt,
                options.policy() ? StartAuthSession.POLICY : StartAuthSession.HMAC, options.symmetric(), options.hash()));
        if (started.nonceTpm().length != size) {
            throw new TpmProtocolException("TPM2_StartAuthSession: nonceTPM of " + started.nonceTpm().length
                    + " bytes for a " + options.hash() + " session", -1);
        }
        byte[] sessionKey = new byte[0];
        if (salt.length > 0 || options.bind().isPresent()) {
            byte[] bindAuth = options.bind().map(b -> trimmed(b.authValue())).orElse(new byte[0]);
            sessionKey = Kdf.kdfa(options.hash(), concat(bindAuth, salt), "ATH", started.nonceTpm(), nonceCaller,
                    size * 8);
        }
        return new AuthSession(runner, nonces, started.sessionHandle(), options, sessionKey, bindName,
                started.nonceTpm());
    }

    public int handle() {
        return handle;
    }

    public Session options() {
        return options;
    }

    /** Whether the TPM has ended the session (a command without continueSession succeeded, or it was closed). */
    public boolean ended() {
        return ended;
    }

    /**
     * For an audited session, the audit digest as tpm4j computed it from the commands it sent and the
     * responses it verified: what TPM2_GetSessionAuditDigest must report.
     */
    public byte[] auditDigest() {
        return auditDigest.clone();
    }

    @Override
    public void close() {
        if (!ended) {
            ended = true;
            try {
                runner.execute(new FlushContext(handle));
            } catch (TpmDeviceRemovedException e) {
                // The TPM and its sessions are gone already.
            }
        }
    }

    @Override
    public String toString() {
        return String.format("AuthSession[0x%08x, %s%s]", handle, options.policy() ? "policy " : "hmac ", options.hash());
    }

    // State used by CommandSessions while it protects one command.

    TpmAlg hash() {
        return options.hash();
    }

    int digestSize() {
        return options.hash().digestSize().getAsInt();
    }

    byte[] nonce() {
        return nonceTpm;
    }

    /** A fresh nonceCaller for the next command. */
    byte[] nextNonceCaller() {
        return nonces.apply(digestSize());
    }

    /** The TPM's current nonce: what TPM2_PolicySigned's signer signs, and what a ticket with expiry binds. */
    public byte[] nonceTpm() {
        return nonceTpm.clone();
    }

    /** Whether the session has a session key (it is salted or bound). */
    boolean keyed() {
        return sessionKey.length > 0;
    }

    /** The HMAC key: sessionKey, then the entity's authValue unless the session is bound to it. */
    byte[] keyFor(byte[] entityName, byte[] authValue) {
        return boundTo(entityName) ? sessionKey : concat(sessionKey, trimmed(authValue));
    }

    /**
     * The parameter-encryption key (Part 1, "Session-based encryption"): sessionKey, then the authValue of the
     * entity the session authorises. Unlike the HMAC key, the binding is ignored: for the bound entity its
     * authValue (the one the session was started with) joins the key too.
     */
    byte[] encryptionKeyFor(byte[] entityName, byte[] authValue) {
        byte[] entityAuth = boundTo(entityName) ? options.bind().orElseThrow().authValue() : authValue;
        return concat(sessionKey, trimmed(entityAuth));
    }

    private boolean boundTo(byte[] entityName) {
        return bindName.length > 0 && Arrays.equals(bindName, entityName);
    }

    void roll(byte[] newNonceTpm, boolean continued) {
        nonceTpm = newNonceTpm;
        if (!continued) {
            ended = true;
        }
    }

    void audit(byte[] cpHash, byte[] rpHash) {
        MessageDigest digest = Names.digest(hash());
        digest.update(auditDigest);
        digest.update(cpHash);
        auditDigest = digest.digest(rpHash);
    }

    void checkUsable() {
        if (ended) {
            throw new IllegalStateException(this + " has ended; start a new session");
        }
    }

    static byte[] random(int size) {
        byte[] out = new byte[size];
        RANDOM.nextBytes(out);
        return out;
    }

    /** The TPM removes trailing zero octets from an authValue before using it in HMACs and keys. */
    static byte[] trimmed(byte[] authValue) {
        int end = authValue.length;
        while (end > 0 && authValue[end - 1] == 0) {
            end--;
        }
        return end == authValue.length ? authValue : Arrays.copyOf(authValue, end);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
