package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.ActivateCredential;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.MakeCredential;
import io.tpm4j.api.commands.NvDefineSpace;
import io.tpm4j.api.commands.NvWrite;
import io.tpm4j.api.commands.PolicyAuthorizeNv;
import io.tpm4j.api.commands.PolicyGetDigest;
import io.tpm4j.api.commands.PolicyOr;
import io.tpm4j.api.commands.PolicyRestart;
import io.tpm4j.api.commands.PolicySecret;
import io.tpm4j.api.commands.StartAuthSession;
import io.tpm4j.api.commands.TestParms;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.testing.CallerSessions;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The high-range EK templates of the TCG EK Credential Profile: their Policy B is rebuilt from its parts on
 * swtpm (Policy A, the profile's NV index I-1/I-2/I-3 and its Policy C, their PolicyOR), each template makes
 * a key, and an EK made from one is usable both with its empty authValue and through Policy B.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HighRangeEkTest extends WithFreshTpm {

    private static final Authorization EMPTY = Authorization.emptyPassword();
    /** The NV indices whose Names Policy C carries: I-1 (SHA-256), I-2 (SHA-384), I-3 (SHA-512). */
    private static final Map<TpmAlg, Integer> POLICY_INDEX = Map.of(TpmAlg.SHA256, 0x01C07F01, TpmAlg.SHA384, 0x01C07F02,
            TpmAlg.SHA512, 0x01C07F03);
    /** The profile's attributes of those indices, less TPMA_NV_WRITTEN, which the first write sets. */
    private static final int POLICY_INDEX_ATTRIBUTES = 0x220F1008 & ~NvAttributes.WRITTEN;

    private static byte[] hash(TpmAlg alg, byte[]... parts) throws Exception {
        MessageDigest digest = MessageDigest.getInstance(switch (alg) {
            case SHA256 -> "SHA-256";
            case SHA384 -> "SHA-384";
            case SHA512 -> "SHA-512";
            default -> throw new IllegalArgumentException(alg.toString());
        });
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    private static byte[] u32(int value) {
        return new TpmWriter().u32(value).toByteArray();
    }

    private int session(int type, TpmAlg alg) {
        return tpm.execute(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, tpm.getRandom(16), new byte[0], type,
                SymmetricDefinition.NULL, alg)).sessionHandle();
    }

    private byte[] digest(int session) {
        return tpm.execute(new PolicyGetDigest(session)).policyDigest();
    }

    @Test
    void policyBIsTheOrOfPolicySecretAndPolicyAuthorizeNvOfTheProfilesIndex() throws Exception {
        for (TpmAlg alg : List.of(TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512)) {
            int size = alg.digestSize().getAsInt();
            byte[] zeros = new byte[size];
            byte[] policyA = hash(alg, hash(alg, zeros, u32(TpmCc.POLICY_SECRET.value()), u32(TpmRh.ENDORSEMENT)));
            int index = POLICY_INDEX.get(alg);
            tpm.execute(new NvDefineSpace(TpmRh.OWNER, EMPTY, new byte[0], new NvPublic(index, alg,
                    new NvAttributes(POLICY_INDEX_ATTRIBUTES), policyA, 2 + size)));
            try {
                // The index is written through its own policy (Policy A), which sets TPMA_NV_WRITTEN.
                int writer = session(StartAuthSession.POLICY, alg);
                tpm.execute(new PolicySecret(TpmRh.ENDORSEMENT, EMPTY, writer, new byte[0], new byte[0], new byte[0], 0));
                tpm.execute(new NvWrite(index, Authorization.policySession(writer, false), index,
                        new TpmWriter().u16(alg.value()).bytes(policyA).toByteArray(), 0));
                byte[] name = tpm.nvReadPublic(index).nvName();
                assertArrayEquals(new NvPublic(index, alg, new NvAttributes(0x220F1008), policyA, 2 + size).name(), name,
                        "the Name of the profile's index");
                byte[] policyC = hash(alg, zeros, u32(TpmCc.POLICY_AUTHORIZE_NV.value()), name);
                byte[] policyB = hash(alg, zeros, u32(TpmCc.POLICY_OR.value()), policyA, policyC);
                assertArrayEquals(Templates.ekPolicyB(alg), policyB, "Policy B computed for " + alg);

                int trial = session(StartAuthSession.TRIAL, alg);
                try {
                    tpm.execute(new PolicySecret(TpmRh.ENDORSEMENT, EMPTY, trial, new byte[0], new byte[0], new byte[0], 0));
                    assertArrayEquals(policyA, digest(trial), "Policy A on the TPM, " + alg);
                    tpm.execute(new PolicyRestart(trial));
                    tpm.execute(new PolicyAuthorizeNv(TpmRh.OWNER, EMPTY, index, trial));
                    assertArrayEquals(policyC, digest(trial), "Policy C on the TPM, " + alg);
                    tpm.execute(new PolicyOr(trial, List.of(policyA, policyC)));
                    assertArrayEquals(Templates.ekPolicyB(alg), digest(trial), "Policy B on the TPM, " + alg);
                } finally {
                    tpm.execute(new FlushContext(trial));
                }
            } finally {
                tpm.nvUndefine(index);
            }
        }
        assertEquals(List.of(), CallerSessions.loaded(tpm));
    }

    @Test
    void everyHighRangeTemplateMakesAnEkWithItsPolicy() {
        for (PublicArea template : List.of(Templates.ekHighRangeRsa2048(), Templates.ekHighRangeEccP256(),
                Templates.ekHighRangeEccP384(), Templates.ekHighRangeEccP521(), Templates.ekHighRangeRsa3072())) {
            try (TpmObject ek = tpm.createPrimary(TpmRh.ENDORSEMENT, template)) {
                assertArrayEquals(template.authPolicy(), ek.publicArea().authPolicy(), template.toString());
                assertEquals(template.nameAlg(), ek.publicArea().nameAlg());
            }
        }
    }

    /**
     * swtpm's TPM has no RSA-4096, so H-7 cannot make a key here: it is checked to be H-6 with the larger key,
     * and the TPM's refusal of its parameters to be the reason.
     */
    @Test
    void rsa4096TemplateIsH6WithTheLargerKey() {
        PublicArea h6 = Templates.ekHighRangeRsa3072();
        PublicArea h7 = Templates.ekHighRangeRsa4096();
        PublicParameters.Rsa h6Rsa = (PublicParameters.Rsa) h6.parameters();
        assertEquals(new PublicArea(h6.nameAlg(), h6.attributes(), h6.authPolicy(), new PublicParameters.Rsa(
                h6Rsa.symmetric(), h6Rsa.scheme(), 4096, h6Rsa.exponent()), h6.unique()), h7);
        TpmResponseException refused = assertThrows(TpmResponseException.class,
                () -> tpm.execute(new TestParms(h7.parameters())));
        assertTrue(refused.is(TpmRc.VALUE), refused.getMessage());
    }

    @Test
    void highRangeEkActivatesACredentialThroughPolicyB() throws Exception {
        byte[] credential = "for the AK".getBytes();
        byte[] policyA = hash(TpmAlg.SHA256, hash(TpmAlg.SHA256, new byte[32], u32(TpmCc.POLICY_SECRET.value()),
                u32(TpmRh.ENDORSEMENT)));
        try (TpmObject ek = tpm.createPrimary(TpmRh.ENDORSEMENT, Templates.ekHighRangeEccP256());
             // userWithAuth: unlike a low-range EK, the empty authValue serves the USER role, e.g. as a parent.
             TpmObject ak = tpm.load(ek, tpm.create(ek, Templates.eccAttestationKey()))) {
            MakeCredential.Response made = tpm.execute(new MakeCredential(ek.handle(), credential, ak.name()));
            int session = session(StartAuthSession.POLICY, TpmAlg.SHA256);
            try {
                tpm.execute(new PolicySecret(TpmRh.ENDORSEMENT, EMPTY, session, new byte[0], new byte[0], new byte[0], 0));
                // Policy C's digest is all the OR needs; its own NV index need not exist to take this branch.
                tpm.execute(new PolicyOr(session, List.of(policyA, policyCForOr(policyA))));
                byte[] recovered = tpm.execute(new ActivateCredential(ak.handle(), EMPTY, ek.handle(),
                        Authorization.policySession(session, false), made.credentialBlob(), made.secret())).certInfo();
                assertArrayEquals(credential, recovered);
            } finally {
                if (tpm.loadedSessions().contains(session)) {
                    tpm.execute(new FlushContext(session));
                }
            }
        }
        assertEquals(List.of(), tpm.handles(TpmHt.TRANSIENT));
    }

    /** Policy C (SHA-256) from the profile's published Name of index I-1. */
    private static byte[] policyCForOr(byte[] policyA) throws Exception {
        byte[] name = new NvPublic(0x01C07F01, TpmAlg.SHA256, new NvAttributes(0x220F1008), policyA, 34).name();
        return hash(TpmAlg.SHA256, new byte[32], u32(TpmCc.POLICY_AUTHORIZE_NV.value()), name);
    }
}
