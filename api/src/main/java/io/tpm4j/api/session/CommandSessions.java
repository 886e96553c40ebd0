package io.tpm4j.api.session;

import io.tpm4j.api.TpmIntegrityException;
import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.SessionAttributes;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The sessions of one command (Part 1, "Authorizations and Acknowledgments", "Session-based encryption"):
 * the command's authorisation area with its HMACs over cpHash, the first sized parameter encrypted for a
 * decrypt session; then the response's HMACs checked over rpHash before anything of it is used, its first
 * sized parameter decrypted for an encrypt session, and every session's nonce rolled. {@code Tpm.execute}
 * uses it; one instance per command.
 */
public final class CommandSessions {

    /**
     * One entry of the authorisation area: what authorises which entity (Name empty for extra sessions), and
     * what proves it: an HMAC (HMAC sessions, PolicyAuthValue), the password in clear, or nothing.
     */
    private record Use(Authorization authorization, AuthSession session, byte[] entityName, byte[] authValue,
                       Authorization.PolicyProof proof) {
        /**
         * Whether the command and response carry HMACs: to prove the authValue, or because a policy session that
         * needs neither authValue nor password has a session key (salted or bound), which the TPM then checks.
         */
        boolean hmac() {
            return proof == Authorization.PolicyProof.AUTH_VALUE
                    || proof == Authorization.PolicyProof.NONE && session != null && session.keyed();
        }

        /** Whether the entity's authValue joins the HMAC key: only where the HMAC proves it. */
        boolean provesAuthValue() {
            return proof == Authorization.PolicyProof.AUTH_VALUE;
        }

        boolean password() {
            return proof == Authorization.PolicyProof.PASSWORD;
        }
    }

    private final TpmCc code;
    private final List<Use> uses;
    private final byte[][] nonceCaller;
    /** Per session: the HMAC key, and the parameter-encryption key (they differ for a bound session's entity). */
    private final byte[][] keys;
    /**
     * The parameter-encryption key of each session: the session key, then the authorised entity's authValue
     * whenever the session authorises one (whatever its policy asked for, bound or not), as the TPM computes it.
     */
    private final byte[][] encryptionKeys;
    private final byte[][] cpHash;
    /** The TPMA_SESSION bits sessions may have on this command: decrypt and encrypt only where it has a TPM2B. */
    private final int allowed;
    private final int decrypt;
    private final int encrypt;

    private CommandSessions(TpmCc code, List<Use> uses, boolean commandSized, boolean responseSized) {
        this.code = code;
        this.uses = uses;
        this.nonceCaller = new byte[uses.size()][];
        this.keys = new byte[uses.size()][];
        this.encryptionKeys = new byte[uses.size()][];
        this.cpHash = new byte[uses.size()][];
        this.allowed = 0xFF & ~(commandSized ? 0 : SessionAttributes.DECRYPT)
                & ~(responseSized ? 0 : SessionAttributes.ENCRYPT);
        this.decrypt = indexOf(SessionAttributes.DECRYPT & allowed);
        this.encrypt = indexOf(SessionAttributes.ENCRYPT & allowed);
    }

    /**
     * The sessions of a command: the authorisations of its handles in handle order, with each authorised
     * entity's Name, then {@code extra} sessions that only encrypt or audit. A session that encrypts does so
     * where the command's first parameter (or its response's) is a TPM2B, which Part 3 says; elsewhere the
     * bit is left off for that command, as the TPM would refuse it.
     */
    public static CommandSessions of(TpmCc code, List<Authorization> authorizations, List<byte[]> entityNames,
                                     List<AuthSession> extra, boolean commandSized, boolean responseSized) {
        List<Use> uses = new ArrayList<>();
        for (int i = 0; i < authorizations.size(); i++) {
            Authorization auth = authorizations.get(i);
            uses.add(switch (auth) {
                case Authorization.Hmac h -> new Use(auth, h.session(), entityNames.get(i), h.authValue(),
                        Authorization.PolicyProof.AUTH_VALUE);
                case Authorization.Policy p -> new Use(auth, p.session(), entityNames.get(i), p.authValue(), p.proof());
                default -> new Use(auth, null, entityNames.get(i), new byte[0], Authorization.PolicyProof.NONE);
            });
        }
        for (AuthSession session : extra) {
            if (session.options().attributes().raw() == 0) {
                throw new IllegalArgumentException(session + " authorises no handle, so it must encrypt or audit");
            }
            uses.add(new Use(null, session, new byte[0], new byte[0], session.options().policy()
                    ? Authorization.PolicyProof.NONE : Authorization.PolicyProof.AUTH_VALUE));
        }
        if (uses.size() > 3) {
            throw new IllegalArgumentException(code.specName() + " with " + uses.size() + " sessions; a command has at most 3");
        }
        for (Use use : uses) {
            if (use.session() != null) {
                use.session().checkUsable();
            }
        }
        return new CommandSessions(code, List.copyOf(uses), commandSized, responseSized);
    }

    /** Whether any session needs the command's Names and parameters (HMAC, encryption, audit). */
    public boolean needsNames() {
        return uses.stream().anyMatch(u -> u.session() != null);
    }

    private int indexOf(int attribute) {
        int found = -1;
        if (attribute == 0) {
            return found;
        }
        for (int i = 0; i < uses.size(); i++) {
            AuthSession s = uses.get(i).session();
            if (s != null && s.options().attributes().has(attribute)) {
                if (found >= 0) {
                    throw new IllegalArgumentException(code.specName() + ": two sessions with TPMA_SESSION "
                            + new SessionAttributes(attribute) + "; only one may have it");
                }
                found = i;
            }
        }
        return found;
    }

    /** The parameters as sent: the first sized parameter encrypted when a session decrypts commands. */
    public byte[] protectParameters(byte[] parameters) {
        for (int i = 0; i < uses.size(); i++) {
            if (uses.get(i).session() != null) {
                AuthSession s = uses.get(i).session();
                nonceCaller[i] = s.nextNonceCaller();
                // The session value: the authValue joins the session key only where the HMAC proves it.
                keys[i] = s.keyFor(uses.get(i).entityName(), uses.get(i).provesAuthValue() ? uses.get(i).authValue()
                        : new byte[0]);
                // Encryption uses the authValue of the entity the session authorises, even where the HMAC does not
                // (an extra session authorises none: its key is the session key).
                encryptionKeys[i] = s.encryptionKeyFor(uses.get(i).entityName(), uses.get(i).authValue());
            }
        }
        if (decrypt < 0) {
            return parameters;
        }
        AuthSession s = uses.get(decrypt).session();
        return transformFirst(parameters, s, encryptionKeys[decrypt], nonceCaller[decrypt], s.nonce(), true,
                "command");
    }

    /** The authorisation area (without its size): one TPMS_AUTH_COMMAND per session, HMACs over cpHash. */
    public byte[] authorizationArea(List<byte[]> handleNames, byte[] sentParameters) {
        TpmWriter out = new TpmWriter(64 * uses.size());
        for (int i = 0; i < uses.size(); i++) {
            Use use = uses.get(i);
            AuthSession s = use.session();
            if (s == null) {
                use.authorization().writeCommandAuth(out);
                continue;
            }
            cpHash[i] = parameterHash(s.hash(), new TpmWriter().u32(code.value()).toByteArray(), handleNames,
                    sentParameters);
            boolean last = use.authorization() instanceof Authorization.Policy p && !p.continueSession();
            int attributes = (s.options().attributes().raw() & allowed) | (last ? 0 : SessionAttributes.CONTINUE_SESSION);
            if (!use.hmac()) {
                // A policy without PolicyAuthValue: no HMAC; with PolicyPassword the authValue in its place.
                byte[] field = use.password() ? AuthSession.trimmed(use.authValue()) : new byte[0];
                out.u32(s.handle()).tpm2b(nonceCaller[i]).u8(attributes).tpm2b(field);
                continue;
            }
            Mac mac = Kdf.hmac(s.hash(), keys[i]);
            mac.update(cpHash[i]);
            mac.update(nonceCaller[i]);
            mac.update(s.nonce());
            if (i == 0 && use.authorization() != null) {
                // The first authorisation also covers the nonces of separate decrypt and encrypt sessions.
                if (decrypt > 0) {
                    mac.update(uses.get(decrypt).session().nonce());
                }
                if (encrypt > 0 && encrypt != decrypt) {
                    mac.update(uses.get(encrypt).session().nonce());
                }
            }
            mac.update((byte) attributes);
            out.u32(s.handle()).tpm2b(nonceCaller[i]).u8(attributes).tpm2b(mac.doFinal());
        }
        return out.toByteArray();
    }

    /**
     * Checks every session's response HMAC over rpHash (before anything of the response is used), rolls the
     * nonces, and returns the response parameters with the first sized one decrypted for an encrypt session.
     *
     * @param parameters     the response parameters exactly as received
     * @param authorizations the response's authorisation area
     */
    public byte[] verifyResponse(byte[] parameters, TpmReader authorizations) {
        List<AuthResponse> area = readResponseAuthorizations(authorizations, uses.size());
        byte[][] nonceTpm = new byte[uses.size()][];
        int[] attributes = new int[uses.size()];
        byte[][] hmac = new byte[uses.size()][];
        for (int i = 0; i < uses.size(); i++) {
            nonceTpm[i] = area.get(i).nonce();
            attributes[i] = area.get(i).attributes();
            hmac[i] = area.get(i).hmac();
        }
        for (int i = 0; i < uses.size(); i++) {
            AuthSession s = uses.get(i).session();
            if (s == null) {
                continue;
            }
            if (!uses.get(i).hmac()) {
                // The TPM sends no response HMAC for a policy that did not use the authValue.
                s.roll(nonceTpm[i], (attributes[i] & SessionAttributes.CONTINUE_SESSION) != 0);
                continue;
            }
            byte[] rpHash = parameterHash(s.hash(), new TpmWriter().u32(0).u32(code.value()).toByteArray(), List.of(),
                    parameters);
            Mac mac = Kdf.hmac(s.hash(), keys[i]);
            mac.update(rpHash);
            mac.update(nonceTpm[i]);
            mac.update(nonceCaller[i]);
            mac.update((byte) attributes[i]);
            if (!MessageDigest.isEqual(mac.doFinal(), hmac[i])) {
                throw new TpmIntegrityException(code.value(), "the response HMAC of session " + (i + 1) + " ("
                        + s + ") does not match; the response was altered or is not the TPM's, and is not used");
            }
            if (nonceTpm[i].length != s.digestSize()) {
                throw new TpmProtocolException(code.specName() + ": nonceTPM of " + nonceTpm[i].length + " bytes in "
                        + s, -1);
            }
            if (s.options().attributes().has(SessionAttributes.AUDIT)) {
                s.audit(cpHash[i], rpHash);
            }
            s.roll(nonceTpm[i], (attributes[i] & SessionAttributes.CONTINUE_SESSION) != 0);
        }
        if (encrypt < 0) {
            return parameters;
        }
        AuthSession s = uses.get(encrypt).session();
        return transformFirst(parameters, s, encryptionKeys[encrypt], s.nonce(), nonceCaller[encrypt], false,
                "response");
    }

    /** One TPMS_AUTH_RESPONSE. */
    private record AuthResponse(byte[] nonce, int attributes, byte[] hmac) {
    }

    /** Reads {@code count} TPMS_AUTH_RESPONSEs and checks that nothing follows them. */
    private static List<AuthResponse> readResponseAuthorizations(TpmReader in, int count) {
        List<AuthResponse> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new AuthResponse(in.tpm2b(64, "TPMS_AUTH_RESPONSE.nonce"),
                    in.u8("TPMS_AUTH_RESPONSE.sessionAttributes"), in.tpm2b(64, "TPMS_AUTH_RESPONSE.hmac")));
        }
        in.expectEnd("response authorization area");
        return out;
    }

    /** Checks the shape of a response authorisation area of password authorisations, which carry nothing to verify. */
    public static void skipResponseAuthorizations(TpmReader in, int count) {
        readResponseAuthorizations(in, count);
    }

    /** This thread's digests and cipher: their lookup costs more than a session command's hashing. */
    private static final ThreadLocal<Map<TpmAlg, MessageDigest>> DIGESTS =
            ThreadLocal.withInitial(() -> new EnumMap<>(TpmAlg.class));
    private static final ThreadLocal<Cipher> CFB = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/CFB/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no AES/CFB", e);
        }
    });

    /** H(code part || Names || parameters): cpHash (code) or rpHash (response code and command code). */
    private static byte[] parameterHash(TpmAlg alg, byte[] codes, List<byte[]> names, byte[] parameters) {
        MessageDigest digest = DIGESTS.get().computeIfAbsent(alg, Names::digest);
        digest.update(codes);
        names.forEach(digest::update);
        return digest.digest(parameters);
    }

    /**
     * AES-CFB or XOR over the contents of the first TPM2B, keyed with KDFa from the session value and the
     * two nonces, newer first (nonceCaller for commands, the new nonceTPM for responses).
     */
    private byte[] transformFirst(byte[] parameters, AuthSession s, byte[] sessionValue, byte[] nonceNewer,
                                  byte[] nonceOlder, boolean encryptIt, String direction) {
        TpmReader in = new TpmReader(parameters);
        int size = in.u16(direction + " parameter 1 size");
        in.bytes(size, direction + " parameter 1");
        byte[] out = parameters.clone();
        byte[] data = Arrays.copyOfRange(parameters, 2, 2 + size);
        SymmetricDefinition sym = s.options().symmetric();
        byte[] transformed;
        if (sym.isXor()) {
            byte[] mask = Kdf.kdfa(s.hash(), sessionValue, "XOR", nonceNewer, nonceOlder, size * 8);
            transformed = new byte[size];
            for (int i = 0; i < size; i++) {
                transformed[i] = (byte) (data[i] ^ mask[i]);
            }
        } else {
            int keyBytes = sym.keyBits() / 8;
            byte[] keyAndIv = Kdf.kdfa(s.hash(), sessionValue, "CFB", nonceNewer, nonceOlder, sym.keyBits() + 128);
            try {
                Cipher cfb = CFB.get();
                cfb.init(encryptIt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE,
                        new SecretKeySpec(keyAndIv, 0, keyBytes, "AES"),
                        new IvParameterSpec(keyAndIv, keyBytes, 16));
                transformed = cfb.doFinal(data);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-CFB parameter encryption failed: " + e.getMessage(), e);
            }
        }
        System.arraycopy(transformed, 0, out, 2, size);
        return out;
    }
}
