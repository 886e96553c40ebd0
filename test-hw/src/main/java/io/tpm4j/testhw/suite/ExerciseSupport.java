package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmPt;
import io.tpm4j.api.types.TpmRh;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the exercises share: the empty password, the NULL hierarchy's storage key, and small checks and digests. */
final class ExerciseSupport {

    static final Authorization EMPTY = Authorization.emptyPassword();

    private ExerciseSupport() {
    }

    /** The NULL hierarchy's ECC storage key: no authorisation needed, nothing kept across a TPM reset. */
    static TpmObject nullPrimary(Tpm tpm) {
        return tpm.createPrimary(TpmRh.NULL, Templates.srkEccP256());
    }

    static PublicParameters.Ecc eccParameters(Scheme scheme, int curve) {
        return new PublicParameters.Ecc(SymmetricDefinition.NULL, scheme, curve, Scheme.NULL);
    }

    static int permanent(Tpm tpm) {
        return tpm.allProperties().get(TpmPt.PERMANENT.value());
    }

    static void flushIfLoaded(Tpm tpm, int handle) {
        if (tpm.handles(TpmHt.TRANSIENT).contains(handle)) {
            tpm.execute(new FlushContext(handle));
        }
    }

    static void verify(TpmObject signer, SignedAttest attest) {
        assertTrue(Signatures.verify(PublicKeys.toPublicKey(signer.publicArea()), attest.signature(),
                attest.attest().bytes()), "the attestation's signature verifies");
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
