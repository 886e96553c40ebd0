package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.Commit;
import io.tpm4j.api.commands.EcEphemeral;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.commands.ZGen2Phase;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.crypto.KeyAgreement;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two-phase key exchange (EC_Ephemeral + ZGen_2Phase) checked against JCA, and ECDAA's Commit + Sign. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KeyExchangeTest extends WithSrk {

    private static final Authorization EMPTY = Authorization.emptyPassword();
    /** TPM_ECC_BN_P256, the curve of ECDAA. */
    private static final int ECC_BN_P256 = 0x0010;

    private static PublicArea eccKey(int attributes, Scheme scheme, int curve) {
        return new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.FIXED_TPM, ObjectAttributes.FIXED_PARENT,
                ObjectAttributes.SENSITIVE_DATA_ORIGIN, ObjectAttributes.USER_WITH_AUTH, attributes), new byte[0],
                new PublicParameters.Ecc(SymmetricDefinition.NULL, scheme, curve, Scheme.NULL),
                new PublicId.Ecc(new byte[0], new byte[0]));
    }

    @Test
    void twoPhaseEcdhAgreesWithTheOtherPartyInJava() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair staticB = generator.generateKeyPair();
        KeyPair ephemeralB = generator.generateKeyPair();
        try (TpmObject keyA = tpm.load(srk, tpm.create(srk, eccKey(ObjectAttributes.DECRYPT, Scheme.NULL,
                Templates.ECC_NIST_P256)))) {
            EcEphemeral.Response ephemeralA = tpm.execute(new EcEphemeral(Templates.ECC_NIST_P256));
            ZGen2Phase.Response z = tpm.execute(new ZGen2Phase(keyA.handle(), EMPTY, point(staticB.getPublic()),
                    point(ephemeralB.getPublic()), TpmAlg.ECDH.value(), ephemeralA.counter()));

            ECPublicKey staticA = (ECPublicKey) PublicKeys.toPublicKey(keyA.publicArea());
            assertArrayEquals(ecdh(staticB.getPrivate(), staticA), z.outZ1().x(), "Z1 = [dsA]QsB = [dsB]QsA");
            assertArrayEquals(ecdh(ephemeralB.getPrivate(), publicKey(ephemeralA.q(), staticA)), z.outZ2().x(),
                    "Z2 = [deA]QeB = [deB]QeA");

            // The ephemeral key is used up: the same counter again is refused.
            TpmResponseException again = assertThrows(TpmResponseException.class, () -> tpm.execute(new ZGen2Phase(
                    keyA.handle(), EMPTY, point(staticB.getPublic()), point(ephemeralB.getPublic()), TpmAlg.ECDH.value(),
                    ephemeralA.counter())));
            assertTrue(again.getMessage().contains("ZGen_2Phase"), again.getMessage());
        }
    }

    @Test
    void commitThenAnonymousSignatureUsesTheCommitmentOnce() throws Exception {
        Scheme ecdaa = new Scheme(TpmAlg.ECDAA.value(), TpmAlg.SHA256.value(), 0);
        try (TpmObject key = tpm.load(srk, tpm.create(srk, eccKey(ObjectAttributes.SIGN_ENCRYPT, ecdaa, ECC_BN_P256)))) {
            Commit.Response commit = tpm.execute(new Commit(key.handle(), EMPTY, Optional.empty(), new byte[0], new byte[0]));
            assertTrue(commit.k().isEmpty() && commit.l().isEmpty(), "no P1: the TPM computes only E");
            assertEquals(32, commit.e().orElseThrow().x().length);

            byte[] digest = MessageDigest.getInstance("SHA-256").digest("anonymous".getBytes());
            Scheme withCommitment = new Scheme(TpmAlg.ECDAA.value(), TpmAlg.SHA256.value(), commit.counter());
            Signature signature = tpm.execute(new Sign(key.handle(), EMPTY, digest, withCommitment, Sign.nullTicket()))
                    .signature();
            assertEquals(TpmAlg.ECDAA.value(), signature.sigAlg());
            assertThrows(TpmResponseException.class, () -> tpm.execute(new Sign(key.handle(), EMPTY, digest,
                    withCommitment, Sign.nullTicket())), "a commitment signs once");
        }
    }

    private static PublicId.Ecc point(PublicKey key) {
        return (PublicId.Ecc) PublicKeys.toPublicArea(key, TpmAlg.SHA256).unique();
    }

    private static PublicKey publicKey(PublicId.Ecc point, ECPublicKey onCurveOf) throws Exception {
        ECPoint w = new ECPoint(new BigInteger(1, point.x()), new BigInteger(1, point.y()));
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, onCurveOf.getParams()));
    }

    private static byte[] ecdh(PrivateKey own, PublicKey other) throws Exception {
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(own);
        agreement.doPhase(other, true);
        return agreement.generateSecret();
    }
}
