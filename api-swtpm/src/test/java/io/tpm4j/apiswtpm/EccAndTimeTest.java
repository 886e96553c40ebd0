package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.ChangeEps;
import io.tpm4j.api.commands.EcdhKeyGen;
import io.tpm4j.api.commands.EcdhZGen;
import io.tpm4j.api.commands.EventSequenceComplete;
import io.tpm4j.api.commands.GetTime;
import io.tpm4j.api.commands.HashSequenceStart;
import io.tpm4j.api.commands.SequenceUpdate;
import io.tpm4j.api.commands.SetPrimaryPolicy;
import io.tpm4j.api.commands.TestParms;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Attest;
import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ECDH, signed time, event sequences, parameter tests and seed/policy administration, against swtpm. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EccAndTimeTest extends WithFreshTpm {

    private static final Authorization EMPTY = Authorization.emptyPassword();
    private TpmObject srk;

    @BeforeEach
    void createKeys() {
        srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
    }

    @AfterEach
    void flushKeys() {
        srk.close();
    }

    @Test
    void ecdhBothWaysGivesTheSamePoint() {
        PublicArea ecdh = new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.FIXED_TPM,
                ObjectAttributes.FIXED_PARENT, ObjectAttributes.SENSITIVE_DATA_ORIGIN, ObjectAttributes.USER_WITH_AUTH,
                ObjectAttributes.DECRYPT), new byte[0], new PublicParameters.Ecc(SymmetricDefinition.NULL,
                Scheme.of(TpmAlg.ECDH, TpmAlg.SHA256), Templates.ECC_NIST_P256, Scheme.NULL),
                new PublicId.Ecc(new byte[0], new byte[0]));
        try (TpmObject key = tpm.load(srk, tpm.create(srk, ecdh))) {
            EcdhKeyGen.Response generated = tpm.execute(new EcdhKeyGen(key.handle()));
            PublicId.Ecc z = tpm.execute(new EcdhZGen(key.handle(), EMPTY, generated.pubPoint())).outPoint();
            assertEquals(generated.zPoint(), z);
        }
    }

    @Test
    void signedTimeVerifiesWithJca() throws Exception {
        try (TpmObject ak = tpm.load(srk, tpm.create(srk, Templates.eccAttestationKey()))) {
            SignedAttest time = tpm.execute(new GetTime(TpmRh.ENDORSEMENT, EMPTY, ak.handle(), EMPTY,
                    "nonce".getBytes(), Scheme.NULL));
            assertEquals(0x8019, time.attest().type(), "TPM_ST_ATTEST_TIME");
            assertTrue(Signatures.verify(PublicKeys.toPublicKey(ak.publicArea()), time.signature(), time.attest().bytes()));
            Attest.Time attested = (Attest.Time) time.attest().attested();
            assertEquals(time.attest().clock(), attested.clock(), "the clock is in the header and in TPMS_TIME_INFO");
            assertTrue(attested.time() > 0);
        }
    }

    @Test
    void eventSequenceDigestsEveryBankAndExtendsThePcr() throws Exception {
        byte[] event = new byte[3000];
        int sequence = tpm.execute(new HashSequenceStart(new byte[0], TpmAlg.NULL)).sequenceHandle();
        tpm.execute(new SequenceUpdate(sequence, EMPTY, java.util.Arrays.copyOf(event, 1000)));
        tpm.execute(new SequenceUpdate(sequence, EMPTY, java.util.Arrays.copyOfRange(event, 1000, 2000)));
        byte[] before = tpm.pcrValues(TpmAlg.SHA256, 16).get(16);
        List<TaggedDigest> digests = tpm.execute(new EventSequenceComplete(16, EMPTY, sequence, EMPTY,
                java.util.Arrays.copyOfRange(event, 2000, 3000))).results();
        byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(event);
        assertTrue(digests.contains(new TaggedDigest(TpmAlg.SHA256, sha256)), digests.toString());
        MessageDigest extend = MessageDigest.getInstance("SHA-256");
        extend.update(before);
        extend.update(sha256);
        assertArrayEquals(extend.digest(), tpm.pcrValues(TpmAlg.SHA256, 16).get(16));
    }

    @Test
    void testParmsAcceptsP256AndRefusesNonsense() {
        tpm.execute(new TestParms(new PublicParameters.Ecc(SymmetricDefinition.NULL, Scheme.of(TpmAlg.ECDSA, TpmAlg.SHA256),
                Templates.ECC_NIST_P256, Scheme.NULL)));
        TpmResponseException e = assertThrows(TpmResponseException.class, () -> tpm.execute(new TestParms(
                new PublicParameters.Rsa(SymmetricDefinition.NULL, Scheme.NULL, 1234, 0))));
        assertTrue(e.is(TpmRc.VALUE) || e.is(TpmRc.KEY_SIZE), e.getMessage());
    }

    @Test
    void newEndorsementSeedAndAPrimaryPolicy() throws Exception {
        byte[] before;
        try (TpmObject ek = tpm.createPrimary(TpmRh.ENDORSEMENT, Templates.srkEccP256())) {
            before = ek.name();
        }
        tpm.execute(new ChangeEps(TpmRh.PLATFORM, EMPTY));
        try (TpmObject ek = tpm.createPrimary(TpmRh.ENDORSEMENT, Templates.srkEccP256())) {
            assertTrue(!java.util.Arrays.equals(before, ek.name()), "a new endorsement seed gives a new key");
        }
        byte[] policy = MessageDigest.getInstance("SHA-256").digest("policy".getBytes());
        tpm.execute(new SetPrimaryPolicy(TpmRh.OWNER, EMPTY, policy, TpmAlg.SHA256));
        tpm.execute(new SetPrimaryPolicy(TpmRh.OWNER, EMPTY, new byte[0], TpmAlg.NULL));
    }
}
