package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.ActivateCredential;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.EncryptDecrypt2;
import io.tpm4j.api.commands.EncryptDecrypt;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.GetCommandAuditDigest;
import io.tpm4j.api.commands.GetSessionAuditDigest;
import io.tpm4j.api.commands.MakeCredential;
import io.tpm4j.api.commands.PcrAllocate;
import io.tpm4j.api.commands.SetCommandCodeAuditStatus;
import io.tpm4j.api.commands.StartAuthSession;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.testing.CallerSessions;
import io.tpm4j.api.types.Attest;
import io.tpm4j.api.types.CapabilityData;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCap;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Credential activation (EK/AK enrolment), command audit, PCR allocation and the original EncryptDecrypt. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CredentialAndAuditTest extends WithFreshTpm {

    private static final Authorization EMPTY = Authorization.emptyPassword();

    @Test
    void credentialMadeForTheAkIsActivatedOnlyWithTheEk() {
        byte[] credential = "a secret for the AK".getBytes();
        try (TpmObject ek = tpm.createPrimary(TpmRh.ENDORSEMENT, Templates.srkEccP256());
             TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
             TpmObject ak = tpm.load(srk, tpm.create(srk, Templates.eccAttestationKey()))) {
            MakeCredential.Response made = tpm.execute(new MakeCredential(ek.handle(), credential, ak.name()));
            byte[] recovered = tpm.execute(new ActivateCredential(ak.handle(), EMPTY, ek.handle(), EMPTY,
                    made.credentialBlob(), made.secret())).certInfo();
            assertArrayEquals(credential, recovered);
        }
    }

    @Test
    void auditedCommandsAreSignedInTheAuditDigest() throws Exception {
        tpm.execute(new SetCommandCodeAuditStatus(TpmRh.OWNER, EMPTY, TpmAlg.SHA256, List.of(), List.of()));
        tpm.execute(new SetCommandCodeAuditStatus(TpmRh.OWNER, EMPTY, TpmAlg.NULL,
                List.of(TpmCc.GET_RANDOM.value()), List.of()));
        CapabilityData.CommandCodes audited = (CapabilityData.CommandCodes) tpm.getCapability(TpmCap.AUDIT_COMMANDS,
                0, 100).data();
        assertTrue(audited.commandCodes().contains(TpmCc.GET_RANDOM.value()), audited.toString());
        tpm.getRandom(8);
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
             TpmObject ak = tpm.load(srk, tpm.create(srk, Templates.eccAttestationKey()))) {
            SignedAttest r = tpm.execute(new GetCommandAuditDigest(TpmRh.ENDORSEMENT, EMPTY,
                    ak.handle(), EMPTY, new byte[0], Scheme.NULL));
            assertEquals(Attest.ST_ATTEST_COMMAND_AUDIT, r.attest().type());
            assertTrue(Signatures.verify(PublicKeys.toPublicKey(ak.publicArea()), r.signature(), r.attest().bytes()));
            Attest.CommandAudit info = (Attest.CommandAudit) r.attest().attested();
            assertTrue(info.auditCounter() > 0, "GetRandom was audited");
            assertEquals(TpmAlg.SHA256.value(), info.digestAlg());
            assertEquals(32, info.auditDigest().length);
        }
    }

    @Test
    void sessionAuditDigestMatchesTheAuditedCommand() throws Exception {
        byte[] nonceCaller = tpm.getRandom(16);
        StartAuthSession.Response started = tpm.execute(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, nonceCaller,
                new byte[0], StartAuthSession.HMAC, SymmetricDefinition.NULL, TpmAlg.SHA256));
        int session = started.sessionHandle();
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
             TpmObject ak = tpm.load(srk, tpm.create(srk, Templates.eccAttestationKey()))) {
            byte[] expected = auditOneGetRandom(session, started.nonceTpm());
            byte[] qualifying = tpm.getRandom(16);
            SignedAttest r = tpm.execute(new GetSessionAuditDigest(TpmRh.ENDORSEMENT, EMPTY, ak.handle(), EMPTY,
                    session, qualifying, Scheme.NULL));
            assertEquals(Attest.ST_ATTEST_SESSION_AUDIT, r.attest().type());
            assertArrayEquals(qualifying, r.attest().extraData());
            assertTrue(Signatures.verify(PublicKeys.toPublicKey(ak.publicArea()), r.signature(), r.attest().bytes()));
            assertArrayEquals(expected, ((Attest.SessionAudit) r.attest().attested()).sessionDigest());
        } finally {
            tpm.execute(new FlushContext(session));
        }
        assertEquals(List.of(), CallerSessions.loaded(tpm));
    }

    /**
     * Runs TPM2_GetRandom(8) with {@code session} as an audit session, framed by hand (the typed API attaches
     * sessions to handles, and GetRandom has none), and returns the audit digest Part 1 defines for it:
     * H(zeros || cpHash || rpHash). The session is unbound and unsalted, so its HMAC key is empty.
     */
    private byte[] auditOneGetRandom(int session, byte[] nonceTpm) throws Exception {
        byte[] nonceCaller = new byte[16];
        new java.security.SecureRandom().nextBytes(nonceCaller);
        int attributes = 0x01 | 0x80; // TPMA_SESSION continueSession | audit
        byte[] parameters = new TpmWriter().u16(8).toByteArray();
        byte[] cpHash = sha256(new TpmWriter().u32(TpmCc.GET_RANDOM.value()).bytes(parameters).toByteArray());
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(new byte[64], "HmacSHA256")); // HMAC pads an empty key to a block of zeros
        byte[] commandHmac = hmac.doFinal(new TpmWriter().bytes(cpHash).bytes(nonceCaller).bytes(nonceTpm)
                .u8(attributes).toByteArray());
        TpmWriter auth = new TpmWriter().u32(session).tpm2b(nonceCaller).u8(attributes).tpm2b(commandHmac);
        TpmWriter command = new TpmWriter().u16(0x8002).u32(0).u32(TpmCc.GET_RANDOM.value())
                .u32(auth.size()).bytes(auth.toByteArray()).bytes(parameters);
        byte[] response = tpm.transport().transmit(command.u32At(2, command.size()).toByteArray());

        TpmReader in = new TpmReader(response);
        in.u16("tag");
        in.u32("size");
        assertEquals(0, in.u32("responseCode"));
        byte[] responseParameters = in.bytes(in.u32("parameterSize"), "parameters");
        byte[] nonceTpmNew = in.tpm2b(64, "nonceTPM");
        int responseAttributes = in.u8("sessionAttributes");
        byte[] responseHmac = in.tpm2b(64, "hmac");
        byte[] rpHash = sha256(new TpmWriter().u32(0).u32(TpmCc.GET_RANDOM.value()).bytes(responseParameters)
                .toByteArray());
        assertArrayEquals(hmac.doFinal(new TpmWriter().bytes(rpHash).bytes(nonceTpmNew).bytes(nonceCaller)
                .u8(responseAttributes).toByteArray()), responseHmac, "the TPM's response HMAC");
        return sha256(new TpmWriter().bytes(new byte[32]).bytes(cpHash).bytes(rpHash).toByteArray());
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return java.security.MessageDigest.getInstance("SHA-256").digest(data);
    }

    @Test
    void allocatingTheCurrentBanksSucceeds() {
        PcrAllocate.Response r = tpm.execute(new PcrAllocate(TpmRh.PLATFORM, EMPTY, tpm.pcrBanks()));
        assertTrue(r.allocationSuccess());
        assertEquals(24, r.maxPcr());
    }

    @Test
    void originalEncryptDecryptMatchesTheSecondVersion() {
        PublicArea aes = new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.USER_WITH_AUTH,
                ObjectAttributes.DECRYPT, ObjectAttributes.SIGN_ENCRYPT, ObjectAttributes.FIXED_TPM,
                ObjectAttributes.FIXED_PARENT, ObjectAttributes.SENSITIVE_DATA_ORIGIN), new byte[0],
                new PublicParameters.SymCipher(SymmetricDefinition.AES_128_CFB), new PublicId.Digest(new byte[0]));
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
             TpmObject key = tpm.load(srk, tpm.execute(new Create(srk.handle(), EMPTY, SensitiveCreate.EMPTY, aes,
                     new byte[0], List.of())))) {
            byte[] data = "same data, two commands".getBytes();
            byte[] iv = new byte[16];
            byte[] one = tpm.execute(new EncryptDecrypt(key.handle(), EMPTY, false, TpmAlg.NULL.value(), iv, data)).outData();
            byte[] two = tpm.execute(new EncryptDecrypt2(key.handle(), EMPTY, data, false, TpmAlg.NULL.value(), iv)).outData();
            assertArrayEquals(two, one);
        }
    }
}
