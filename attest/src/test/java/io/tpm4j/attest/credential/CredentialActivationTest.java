package io.tpm4j.attest.credential;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.CreatePrimary;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.HierarchyChangeAuth;
import io.tpm4j.api.commands.MakeCredential;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.attest.credential.ActivationException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Credentials made in Java activate on swtpm, for RSA and ECC EKs (low and high range) and AKs under the EK or the SRK;
 * a credential altered, made for another AK or for another EK is refused by the TPM, and the exception says which
 * check failed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CredentialActivationTest extends WithSwtpm {

    private static final byte[] SECRET = "the verifier's challenge".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AK_AUTH = "ak password".getBytes(StandardCharsets.US_ASCII);

    /** An AK with {@link #AK_AUTH}, made and loaded under the EK through its policy. */
    private TpmObject akUnderEk(LoadedEk ek, AkTemplate template) {
        Create.Response created = AttestationKeys.createUnderEk(tpm, ek, template, AK_AUTH);
        return AttestationKeys.loadUnderEk(tpm, ek, created);
    }

    private byte[] activate(TpmObject ak, LoadedEk ek, MakeCredential.Response credential) throws ActivationException {
        return CredentialActivation.activate(tpm, ak.handle(), Authorization.password(AK_AUTH), ek, credential);
    }

    @Test
    void javaCredentialActivatesWithAnRsaOrEccEkForEitherAk() throws Exception {
        for (PublicArea ekTemplate : new PublicArea[] {Templates.ekRsa2048(), Templates.ekEccP256()}) {
            try (TpmObject ekKey = tpm.createPrimary(TpmRh.ENDORSEMENT, ekTemplate)) {
                LoadedEk ek = LoadedEk.of(ekKey);
                for (AkTemplate template : AkTemplate.values()) {
                    try (TpmObject ak = akUnderEk(ek, template)) {
                        MakeCredential.Response credential = Credentials.make(ek.publicArea(), ak.name(), SECRET);
                        assertArrayEquals(SECRET, activate(ak, ek, credential), ekTemplate.type() + " EK, " + template);
                    }
                }
            }
        }
    }

    @Test
    void akUnderTheSrkAuthorisedByHmacActivatesWithAHighRangeEk() throws Exception {
        byte[] secret = new byte[32];
        secret[31] = 1;
        try (TpmObject ekKey = tpm.createPrimary(TpmRh.ENDORSEMENT, Templates.ekHighRangeEccP256());
             TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
             TpmObject ak = tpm.load(srk, AttestationKeys.createUnderSrk(tpm, srk, AkTemplate.RSA_2048, AK_AUTH))) {
            LoadedEk ek = LoadedEk.of(ekKey);
            MakeCredential.Response credential = Credentials.make(ek.publicArea(), ak.name(), secret);
            try (AuthSession hmac = tpm.startSession(Session.hmac(TpmAlg.SHA256))) {
                assertArrayEquals(secret, CredentialActivation.activate(tpm, ak.handle(),
                        Authorization.session(hmac, AK_AUTH), ek, credential), "the full-size secret");
            }
        }
    }

    @Test
    void theAkTemplatesAreRestrictedSigningKeysTheTpmMakes() {
        try (TpmObject ekKey = tpm.createPrimary(TpmRh.ENDORSEMENT, Templates.ekEccP256())) {
            LoadedEk ek = LoadedEk.of(ekKey);
            for (AkTemplate template : AkTemplate.values()) {
                PublicArea made = AttestationKeys.createUnderEk(tpm, ek, template, new byte[0]).outPublic();
                assertEquals(java.util.Optional.of(template), AkTemplate.of(made), made.toString());
            }
            assertEquals(java.util.Optional.empty(), AkTemplate.of(ek.publicArea()), "an EK is no AK");
            assertEquals(java.util.Optional.empty(), AkTemplate.of(Templates.eccSigningKey()), "unrestricted");
        }
    }

    @Test
    void alteredBlobIsRefusedByItsIntegrityCheck() throws Exception {
        for (PublicArea template : new PublicArea[] {Templates.ekRsa2048(), Templates.ekEccP256()}) {
            try (TpmObject ekKey = tpm.createPrimary(TpmRh.ENDORSEMENT, template)) {
                LoadedEk ek = LoadedEk.of(ekKey);
                try (TpmObject ak = akUnderEk(ek, AkTemplate.ECC_P256)) {
                    MakeCredential.Response good = Credentials.make(ek.publicArea(), ak.name(), SECRET);
                    byte[] blob = good.credentialBlob();
                    // One bit in the outer HMAC (after its size), and one in encIdentity (the blob's last byte).
                    for (int at : new int[] {2, blob.length - 1}) {
                        byte[] altered = blob.clone();
                        altered[at] ^= 1;
                        ActivationException e = assertThrows(ActivationException.class, () -> activate(ak, ek,
                                new MakeCredential.Response(altered, good.secret())));
                        assertEquals(Reason.INTEGRITY, e.reason(), e.getMessage());
                        assertTrue(e.tpmError().is(TpmRc.INTEGRITY), e.getMessage());
                        assertTrue(e.getMessage().contains("TPM_RC_INTEGRITY"), e.getMessage());
                    }
                    assertArrayEquals(SECRET, activate(ak, ek, good), "the unaltered credential still activates");
                }
            }
        }
    }

    @Test
    void alteredSecretIsRefused() throws Exception {
        try (TpmObject ekKey = tpm.createPrimary(TpmRh.ENDORSEMENT, Templates.ekRsa2048())) {
            LoadedEk ek = LoadedEk.of(ekKey);
            try (TpmObject ak = akUnderEk(ek, AkTemplate.RSA_2048)) {
                MakeCredential.Response good = Credentials.make(ek.publicArea(), ak.name(), SECRET);
                byte[] secret = good.secret().clone();
                secret[secret.length / 2] ^= 0x10;
                ActivationException e = assertThrows(ActivationException.class, () -> activate(ak, ek,
                        new MakeCredential.Response(good.credentialBlob(), secret)));
                assertEquals(Reason.SEED_NOT_FOR_THIS_EK, e.reason(), e.getMessage());
                assertArrayEquals(SECRET, activate(ak, ek, good), "the unaltered credential still activates");
            }
        }
        try (TpmObject ekKey = tpm.createPrimary(TpmRh.ENDORSEMENT, Templates.ekEccP256())) {
            LoadedEk ek = LoadedEk.of(ekKey);
            try (TpmObject ak = akUnderEk(ek, AkTemplate.RSA_2048)) {
                MakeCredential.Response good = Credentials.make(ek.publicArea(), ak.name(), SECRET);
                byte[] secret = good.secret().clone();
                secret[secret.length - 1] ^= 0x01; // the ephemeral point's y: off the curve
                ActivationException e = assertThrows(ActivationException.class, () -> activate(ak, ek,
                        new MakeCredential.Response(good.credentialBlob(), secret)));
                assertEquals(Reason.SEED_NOT_FOR_THIS_EK, e.reason(), e.getMessage());
                assertTrue(e.tpmError().is(TpmRc.ECC_POINT), e.getMessage());
                assertArrayEquals(SECRET, activate(ak, ek, good), "the unaltered credential still activates");
            }
        }
    }

    @Test
    void credentialForAnotherAkIsRefused() throws Exception {
        try (TpmObject ekKey = tpm.createPrimary(TpmRh.ENDORSEMENT, Templates.ekRsa2048())) {
            LoadedEk ek = LoadedEk.of(ekKey);
            PublicArea other = AttestationKeys.createUnderEk(tpm, ek, AkTemplate.ECC_P256, new byte[0]).outPublic();
            try (TpmObject ak = akUnderEk(ek, AkTemplate.ECC_P256)) {
                MakeCredential.Response forOther = Credentials.make(ek.publicArea(), other.name(), SECRET);
                ActivationException e = assertThrows(ActivationException.class, () -> activate(ak, ek, forOther));
                assertEquals(Reason.INTEGRITY, e.reason(), e.getMessage());
            }
        }
    }

    @Test
    void credentialForAnotherEkIsRefused() throws Exception {
        // Another key of the same kind stands in for another TPM's EK: a storage key under the owner.
        check(Templates.ekRsa2048(), Templates.srkRsa2048(), Reason.SEED_NOT_FOR_THIS_EK);
        check(Templates.ekEccP256(), Templates.srkEccP256(), Reason.INTEGRITY);
    }

    private void check(PublicArea ekTemplate, PublicArea otherTemplate, Reason expected) throws Exception {
        PublicArea otherEk;
        try (TpmObject other = tpm.createPrimary(TpmRh.OWNER, otherTemplate)) {
            otherEk = other.publicArea();
        }
        try (TpmObject ekKey = tpm.createPrimary(TpmRh.ENDORSEMENT, ekTemplate)) {
            LoadedEk ek = LoadedEk.of(ekKey);
            try (TpmObject ak = akUnderEk(ek, AkTemplate.ECC_P256)) {
                MakeCredential.Response forOther = Credentials.make(otherEk, ak.name(), SECRET);
                ActivationException e = assertThrows(ActivationException.class, () -> activate(ak, ek, forOther));
                assertEquals(expected, e.reason(), e.getMessage());
            }
        }
    }

    @Test
    void aWrongAkPasswordIsTheTpmsAuthorisationError() throws Exception {
        try (TpmObject ekKey = tpm.createPrimary(TpmRh.ENDORSEMENT, Templates.ekEccP256())) {
            LoadedEk ek = LoadedEk.of(ekKey);
            try (TpmObject ak = akUnderEk(ek, AkTemplate.ECC_P256)) {
                MakeCredential.Response credential = Credentials.make(ek.publicArea(), ak.name(), SECRET);
                TpmResponseException e = assertThrows(TpmResponseException.class, () -> CredentialActivation.activate(
                        tpm, ak.handle(), Authorization.password("wrong".getBytes()), ek, credential));
                assertTrue(e.is(TpmRc.AUTH_FAIL), e.getMessage());
            }
        }
    }
    @Test
    void theEksPolicyTakesTheEndorsementHierarchysAuthorisation() throws Exception {
        byte[] endorsementAuth = "endorsement".getBytes(StandardCharsets.US_ASCII);
        tpm.execute(new HierarchyChangeAuth(TpmRh.ENDORSEMENT, Authorization.emptyPassword(), endorsementAuth));
        TpmResponseException changed = assertThrows(TpmResponseException.class,
                () -> tpm.createPrimary(TpmRh.ENDORSEMENT, Templates.ekEccP256()).close());
        assertTrue(changed.is(TpmRc.BAD_AUTH) || changed.is(TpmRc.AUTH_FAIL), changed.getMessage());
        int handle = tpm.execute(new CreatePrimary(TpmRh.ENDORSEMENT, Authorization.password(endorsementAuth),
                SensitiveCreate.EMPTY, Templates.ekEccP256(), new byte[0], List.of())).objectHandle();
        try {
            LoadedEk withoutAuth = new LoadedEk(handle, tpm.readPublic(handle).outPublic(), Authorization.emptyPassword());
            TpmResponseException refused = assertThrows(TpmResponseException.class,
                    () -> AttestationKeys.createUnderEk(tpm, withoutAuth, AkTemplate.ECC_P256, new byte[0]));
            assertEquals(TpmCc.POLICY_SECRET.value(), refused.commandCode(), refused.getMessage());
            LoadedEk ek = withoutAuth.withEndorsementAuth(Authorization.password(endorsementAuth));
            try (TpmObject ak = akUnderEk(ek, AkTemplate.ECC_P256)) {
                assertArrayEquals(SECRET, activate(ak, ek, Credentials.make(ek.publicArea(), ak.name(), SECRET)));
            }
        } finally {
            tpm.execute(new FlushContext(handle));
        }
    }

    @Test
    void anEkWithAPolicyOtherThanPolicySecretIsNamed() {
        PublicArea l2 = Templates.ekEccP256();
        PublicArea otherPolicy = new PublicArea(l2.nameAlg(), l2.attributes(), new byte[32], l2.parameters(), l2.unique());
        try (TpmObject ekKey = tpm.createPrimary(TpmRh.ENDORSEMENT, otherPolicy)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AttestationKeys.createUnderEk(tpm, LoadedEk.of(ekKey), AkTemplate.ECC_P256, new byte[0]));
            assertTrue(e.getMessage().contains("authPolicy is not TPM2_PolicySecret"), e.getMessage());
        }
    }
}
