package io.tpm4j.api.session;

import io.tpm4j.api.types.SessionAttributes;
import io.tpm4j.api.wire.TpmWriter;

import java.util.Arrays;

/**
 * How one handle of a command is authorised. It travels with the handle it authorises
 * ({@code CommandHandle.authorized(handle, auth)}), never as state that applies to "the next call".
 */
public sealed interface Authorization {

    /** TPM_RS_PW: the password session, a reserved handle that carries the authValue in clear. */
    int TPM_RS_PW = 0x40000009;
    /** TPMA_SESSION.continueSession. */
    int CONTINUE_SESSION = SessionAttributes.CONTINUE_SESSION;

    /** Writes this authorisation's TPMS_AUTH_COMMAND. */
    void writeCommandAuth(TpmWriter out);

    /**
     * The Name of the entity this authorises, when the caller gave it (e.g. from {@code TpmObject.name()}); empty
     * when not known, and then the Name is read from the TPM for each command that needs it for cpHash.
     */
    default byte[] entityName() {
        return new byte[0];
    }

    /**
     * This authorisation for the entity named {@code name}: its session HMACs use that Name, with no round trip
     * to read it. A wrong Name cannot authorise anything (the TPM computes cpHash with its own); a password needs
     * no Name and is returned as it is.
     */
    default Authorization forEntity(byte[] name) {
        return this;
    }

    /** The authValue sent in clear with TPM_RS_PW (an empty one for objects created without auth). */
    static Authorization password(byte[] authValue) {
        return new Password(authValue);
    }

    /** An empty password: the authorisation of hierarchies and objects that have no authValue set. */
    static Authorization emptyPassword() {
        return new Password(new byte[0]);
    }

    /**
     * A policy session whose policy needs no HMAC (it has no TPM2_PolicyAuthValue): the TPM checks the
     * session's policy digest against the entity's authPolicy. Without {@code continueSession} the TPM flushes
     * the session once the command succeeds.
     */
    static Authorization policySession(int sessionHandle, boolean continueSession) {
        return new PolicySession(sessionHandle, continueSession);
    }

    /** A policy session that authorises by its policy digest alone, see {@link #policySession}. */
    record PolicySession(int sessionHandle, boolean continueSession) implements Authorization {

        @Override
        public void writeCommandAuth(TpmWriter out) {
            out.u32(sessionHandle).tpm2b(new byte[0]).u8(continueSession ? CONTINUE_SESSION : 0).tpm2b(new byte[0]);
        }

        @Override
        public String toString() {
            return String.format("PolicySession[0x%08x%s]", sessionHandle, continueSession ? ", continue" : "");
        }
    }

    /**
     * An HMAC session proving knowledge of the entity's {@code authValue} without sending it; the response
     * is checked with the same key. A session bound to the entity needs no authValue here.
     */
    static Authorization session(AuthSession session, byte[] authValue) {
        if (session.options().policy()) {
            throw new IllegalArgumentException(session + " is a policy session; use policySession(handle, continue)");
        }
        return new Hmac(session, authValue);
    }

    /**
     * A policy session started with {@code Tpm.startSession(Session.policy(...))}, whose policy has been run:
     * the TPM checks its digest against the entity's authPolicy. {@code proof} says what else the policy
     * asked for: nothing, the authValue in the HMAC (PolicyAuthValue) or in clear (PolicyPassword).
     */
    static Authorization policy(AuthSession session, PolicyProof proof, byte[] authValue) {
        if (!session.options().policy()) {
            throw new IllegalArgumentException(session + " is an HMAC session; use session(session, authValue)");
        }
        return new Policy(session, proof, authValue);
    }

    /** A policy session's authorisation when the policy needs no authValue. */
    static Authorization policy(AuthSession session) {
        return policy(session, PolicyProof.NONE, new byte[0]);
    }

    /** What a policy asks for besides its digest. */
    enum PolicyProof {
        /** Nothing: the HMAC field is empty. */
        NONE,
        /** TPM2_PolicyAuthValue: the authValue keys the command HMAC, and the response HMAC is checked. */
        AUTH_VALUE,
        /** TPM2_PolicyPassword: the authValue in clear in the HMAC field (use it only in an encrypted channel). */
        PASSWORD
    }

    /** A policy session authorisation, see {@link #policy(AuthSession, PolicyProof, byte[])}. */
    record Policy(AuthSession session, PolicyProof proof, byte[] authValue, byte[] entityName, boolean continueSession)
            implements Authorization {

        public Policy {
            authValue = authValue.clone();
            entityName = entityName.clone();
        }

        public Policy(AuthSession session, PolicyProof proof, byte[] authValue) {
            this(session, proof, authValue, new byte[0], true);
        }

        /**
         * This authorisation as the session's last use: without continueSession the TPM ends the session when the
         * command succeeds, which saves the TPM2_FlushContext that closing it would send.
         */
        public Policy lastUse() {
            return new Policy(session, proof, authValue, entityName, false);
        }

        @Override
        public byte[] entityName() {
            return entityName.clone();
        }

        @Override
        public Policy forEntity(byte[] name) {
            return new Policy(session, proof, authValue, name, continueSession);
        }

        @Override
        public byte[] authValue() {
            return authValue.clone();
        }

        /** Written by {@link CommandSessions}, which rolls the session's nonces. */
        @Override
        public void writeCommandAuth(TpmWriter out) {
            throw new IllegalStateException("a policy session authorisation is written by CommandSessions");
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Policy p && session == p.session && proof == p.proof
                    && Arrays.equals(authValue, p.authValue) && Arrays.equals(entityName, p.entityName)
                    && continueSession == p.continueSession;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(session) * 31 + proof.hashCode();
        }

        @Override
        public String toString() {
            return "Policy[" + session + ", " + proof + "]";
        }
    }

    /** An HMAC session authorisation, see {@link #session}. The authValue is kept out of {@link #toString()}. */
    record Hmac(AuthSession session, byte[] authValue, byte[] entityName) implements Authorization {

        public Hmac {
            authValue = authValue.clone();
            entityName = entityName.clone();
        }

        public Hmac(AuthSession session, byte[] authValue) {
            this(session, authValue, new byte[0]);
        }

        @Override
        public byte[] entityName() {
            return entityName.clone();
        }

        @Override
        public Hmac forEntity(byte[] name) {
            return new Hmac(session, authValue, name);
        }

        @Override
        public byte[] authValue() {
            return authValue.clone();
        }

        /** Written by {@link CommandSessions}, which computes the HMAC over the whole command. */
        @Override
        public void writeCommandAuth(TpmWriter out) {
            throw new IllegalStateException("an HMAC session authorisation is written by CommandSessions");
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Hmac h && session == h.session && Arrays.equals(authValue, h.authValue)
                    && Arrays.equals(entityName, h.entityName);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(session) * 31 + Arrays.hashCode(authValue);
        }

        @Override
        public String toString() {
            return "Hmac[" + session + "]";
        }
    }

    /** A password authorisation. The bytes are copied, and kept out of {@link #toString()}. */
    record Password(byte[] authValue) implements Authorization {

        public Password {
            authValue = authValue.clone();
        }

        @Override
        public byte[] authValue() {
            return authValue.clone();
        }

        @Override
        public void writeCommandAuth(TpmWriter out) {
            out.u32(TPM_RS_PW).tpm2b(new byte[0]).u8(CONTINUE_SESSION).tpm2b(authValue);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Password p && Arrays.equals(authValue, p.authValue);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(authValue);
        }

        @Override
        public String toString() {
            return "Password[" + authValue.length + " bytes]";
        }
    }
}
