package io.tpm4j.api.session;

import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.SessionAttributes;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TpmAlg;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * What kind of authorisation session to start: a value, built with options, e.g.
 * {@code Session.hmac(TpmAlg.SHA256).salted(srk.handle(), srk.publicArea()).encrypted()}.
 * {@code Tpm.startSession} starts it on the TPM.
 *
 * @param policy     a policy session (else an HMAC session)
 * @param hash       the session's hash algorithm (authHash)
 * @param salt       the loaded key the salt is encrypted to, with its public area as the caller checked it
 * @param bind       the entity the session is bound to, with its authValue
 * @param symmetric  the parameter-encryption cipher (AES-CFB, or XOR with the session hash)
 * @param attributes TPMA_SESSION bits to send with every command: decrypt, encrypt, audit
 */
public record Session(boolean policy, TpmAlg hash, Optional<SaltKey> salt, Optional<Bind> bind,
                      SymmetricDefinition symmetric, SessionAttributes attributes) {

    /** The key a salted session's salt is encrypted to: a loaded RSA or ECC decryption key. */
    public record SaltKey(int handle, PublicArea publicArea) {
        public SaltKey {
            Objects.requireNonNull(publicArea, "publicArea");
        }
    }

    /** The entity a bound session is bound to and its authValue, kept out of {@link #toString()}. */
    public record Bind(int handle, byte[] authValue) {
        public Bind {
            authValue = authValue.clone();
        }

        @Override
        public byte[] authValue() {
            return authValue.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bind b && handle == b.handle && Arrays.equals(authValue, b.authValue);
        }

        @Override
        public int hashCode() {
            return 31 * handle + Arrays.hashCode(authValue);
        }

        @Override
        public String toString() {
            return String.format("Bind[0x%08x]", handle);
        }
    }

    public Session {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(salt, "salt");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(symmetric, "symmetric");
        Objects.requireNonNull(attributes, "attributes");
        if (hash.digestSize().isEmpty()) {
            throw new IllegalArgumentException(hash + " is not a hash algorithm");
        }
    }

    /** An HMAC session with {@code hash}, unsalted and unbound, AES-128-CFB ready for {@link #encrypted()}. */
    public static Session hmac(TpmAlg hash) {
        return new Session(false, hash, Optional.empty(), Optional.empty(), SymmetricDefinition.AES_128_CFB,
                new SessionAttributes(0));
    }

    /** A policy session with {@code hash}. */
    public static Session policy(TpmAlg hash) {
        return new Session(true, hash, Optional.empty(), Optional.empty(), SymmetricDefinition.AES_128_CFB,
                new SessionAttributes(0));
    }

    /** Salted to a loaded key whose public area the caller has verified (e.g. the SRK against its template). */
    public Session salted(int keyHandle, PublicArea keyPublic) {
        return new Session(policy, hash, Optional.of(new SaltKey(keyHandle, keyPublic)), bind, symmetric, attributes);
    }

    /** Bound to an entity: its authValue goes into the session key, and the session need not repeat it. */
    public Session bound(int handle, byte[] authValue) {
        return new Session(policy, hash, salt, Optional.of(new Bind(handle, authValue)), symmetric, attributes);
    }

    /** Encrypts the first sized parameter of commands and of responses (where the command has one). */
    public Session encrypted() {
        return withAttributes(SessionAttributes.DECRYPT | SessionAttributes.ENCRYPT);
    }

    /** Encrypts the first sized parameter of commands only. */
    public Session encryptingCommands() {
        return withAttributes(SessionAttributes.DECRYPT);
    }

    /** Encrypts the first sized parameter of responses only. */
    public Session encryptingResponses() {
        return withAttributes(SessionAttributes.ENCRYPT);
    }

    /** Audits every command the session is used with (TPM2_GetSessionAuditDigest reports the digest). */
    public Session audited() {
        return withAttributes(SessionAttributes.AUDIT);
    }

    /** The parameter-encryption cipher: AES in CFB mode, or {@link SymmetricDefinition#xor}. */
    public Session symmetric(SymmetricDefinition cipher) {
        return new Session(policy, hash, salt, bind, cipher, attributes);
    }

    private Session withAttributes(int bits) {
        return new Session(policy, hash, salt, bind, symmetric, new SessionAttributes(attributes.raw() | bits));
    }
}
