package io.tpm4j.api.files;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.wire.TpmReader;

import java.util.Arrays;

/**
 * ESAPI's record of a session (IESYS_SESSION, as tpm2-tss 3.x marshals it): kept as the bytes ESAPI wrote, so a
 * session that goes from tpm2-tools to Java and back keeps what ESAPI needs (session key, nonces, salt) unchanged.
 * The fields a Java caller may want are read from those bytes.
 *
 * <p>Layout: bound entity (TPM2B_NAME), encrypted salt (TPM2B_ENCRYPTED_SECRET), salt (TPM2B_DATA), symmetric
 * (TPMT_SYM_DEF), authHash (u16), session key (TPM2B_DIGEST), session type (u8), attributes (u8), nonceCaller,
 * nonceTPM (TPM2B_NONCE), ESAPI's encrypt, decrypt and policy-auth flags (u32 each), the session value (u16 size
 * and bytes) and the HMAC value's size (u16).
 */
public record SessionState(boolean degraded, byte[] encoded) implements EsysResource.Details {

    /** The largest TPM2B_ENCRYPTED_SECRET: an RSA-4096 encryption (TPMU_ENCRYPTED_SECRET). */
    private static final int MAX_SECRET = 512;
    private static final int MAX_DIGEST = 64;
    /** sessionValue holds the session key and an authValue: two digests at most. */
    private static final int MAX_SESSION_VALUE = 2 * MAX_DIGEST;

    /** The fields read from {@link #encoded}. */
    private record Fields(TpmAlg authHash, byte[] sessionKey, int sessionType, byte[] nonceTpm) {
    }

    public SessionState {
        encoded = encoded.clone();
        TpmReader in = new TpmReader(encoded);
        parse(in);
        in.expectEnd("IESYS_SESSION");
    }

    /**
     * The session state that ends {@code in}: it is the last member of both an Esys_TR_Serialize blob and a saved
     * context's metadata, and its length is known only by parsing it.
     */
    static SessionState read(TpmReader in, boolean degraded) {
        int start = in.position();
        byte[] rest = in.bytes(in.remaining(), "IESYS_SESSION");
        try {
            return new SessionState(degraded, rest);
        } catch (TpmProtocolException e) {
            throw new TpmProtocolException("in IESYS_SESSION at offset " + start + ": " + e.getMessage(),
                    start + Math.max(0, e.offset()));
        }
    }

    @Override
    public byte[] encoded() {
        return encoded.clone();
    }

    /** The session's hash algorithm. */
    public TpmAlg authHash() {
        return fields().authHash();
    }

    /** TPM_SE: 0x00 HMAC, 0x01 policy, 0x03 trial. */
    public int sessionType() {
        return fields().sessionType();
    }

    /** The TPM's newest nonce, as ESAPI last saw it. */
    public byte[] nonceTpm() {
        return fields().nonceTpm();
    }

    /** Whether the session has a session key (it was bound or salted). */
    public boolean hasSessionKey() {
        return fields().sessionKey().length > 0;
    }

    private Fields fields() {
        return parse(new TpmReader(encoded));
    }

    private static Fields parse(TpmReader in) {
        in.tpm2b(EsysResource.MAX_NAME, "IESYS_SESSION.bound_entity");
        in.tpm2b(MAX_SECRET, "IESYS_SESSION.encryptedSalt");
        in.tpm2b(MAX_SECRET, "IESYS_SESSION.salt");
        SymmetricDefinition.read(in);
        int hashAt = in.position();
        int hash = in.u16("IESYS_SESSION.authHash");
        TpmAlg authHash = TpmAlg.of(hash).orElseThrow(() -> new TpmProtocolException(
                "IESYS_SESSION.authHash " + TpmAlg.describe(hash) + " is not a known algorithm", hashAt));
        byte[] sessionKey = in.tpm2b(MAX_DIGEST, "IESYS_SESSION.sessionKey");
        int sessionType = in.u8("IESYS_SESSION.sessionType");
        in.u8("IESYS_SESSION.sessionAttributes");
        in.tpm2b(MAX_DIGEST, "IESYS_SESSION.nonceCaller");
        byte[] nonceTpm = in.tpm2b(MAX_DIGEST, "IESYS_SESSION.nonceTPM");
        in.u32("IESYS_SESSION.encrypt");
        in.u32("IESYS_SESSION.decrypt");
        in.u32("IESYS_SESSION.type_policy_session");
        in.tpm2b(MAX_SESSION_VALUE, "IESYS_SESSION.sessionValue");
        in.u16("IESYS_SESSION.sizeHmacValue");
        return new Fields(authHash, sessionKey, sessionType, nonceTpm);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionState s && degraded == s.degraded && Arrays.equals(encoded, s.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "SessionState[" + (degraded ? "degraded, " : "") + encoded.length + " bytes]";
    }
}
