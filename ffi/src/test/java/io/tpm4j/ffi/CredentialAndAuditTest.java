package io.tpm4j.ffi;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.ActivateCredential;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.EncryptDecrypt;
import io.tpm4j.api.commands.EncryptDecrypt2;
import io.tpm4j.api.commands.GetCommandAuditDigest;
import io.tpm4j.api.commands.MakeCredential;
import io.tpm4j.api.commands.PcrAllocate;
import io.tpm4j.api.commands.SetCommandCodeAuditStatus;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.Authorization;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
            assertEquals(0x8015, r.attest().type(), "TPM_ST_ATTEST_COMMAND_AUDIT");
            assertTrue(Signatures.verify(PublicKeys.toPublicKey(ak.publicArea()), r.signature(), r.attest().bytes()));
        }
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
