package io.tpm4j.attest.ek;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.ffi.Swtpm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * EK certificates of a swtpm provisioned by swtpm_setup with swtpm_localca (once for the class): found in NV, matched
 * to the EK recreated from its template, and validated against the local CA's root; other keys' certificates, a
 * wrong extended key usage and an untrusted root rejected with reasons that say so. Each test runs on its own copy
 * of the provisioned state and must leave nothing loaded.
 */
class EndorsementKeysTest {

    @TempDir
    static Path dir;
    static ProvisionedTpm provisioned;

    Swtpm swtpm;
    /** The facade the code under test uses. */
    Tpm tpm;
    /** The same TPM without the facade's sessions, to see what is left loaded. */
    Tpm raw;

    @BeforeAll
    static void provision() throws Exception {
        provisioned = ProvisionedTpm.create(dir);
    }

    @BeforeEach
    void start() {
        swtpm = Swtpm.startChardev(provisioned.state);
        tpm = Tpm.on(swtpm.transport()::transmit);
        raw = Tpm.on(swtpm.transport()::transmit).withoutParameterEncryption();
        tpm.startupIfNeeded();
    }

    @AfterEach
    void nothingLeftLoaded() {
        try {
            tpm.close();
            assertEquals(List.of(), raw.handles(TpmHt.TRANSIENT), "transient objects left in the TPM");
            assertEquals(List.of(), raw.loadedSessions(), "sessions left in the TPM");
        } finally {
            swtpm.close();
        }
    }

    @Test
    void swtpmSetupCertificatesAreFoundMatchedAndChainValidated() throws Exception {
        EndorsementKeys eks = EndorsementKeys.of(tpm);
        List<EndorsementKeys.StoredCertificate> stored = eks.certificates();

        // swtpm_setup stores an RSA-2048 EK certificate in the low range and an ECC P-384 one in the high range.
        assertEquals(List.of(EkSlot.RSA_2048_LOW, EkSlot.ECC_NIST_P384),
                stored.stream().map(EndorsementKeys.StoredCertificate::slot).toList());
        EkValidator validator = EkValidator.trusting(EkTrust.roots(provisioned.localRoot)
                .withIntermediates(provisioned.localIssuer));
        for (EndorsementKeys.StoredCertificate certificate : stored) {
            PublicArea ek = eks.recreate(certificate.slot());
            EkVerdict verdict = validator.validate(certificate.contents(), ek, eks.chain());

            EkVerdict.Trusted trusted = assertInstanceOf(EkVerdict.Trusted.class, verdict, certificate.slot()
                    + ": " + verdict);
            assertEquals(new TpmIdentity("id:00001014", "swtpm", "id:20191023"), trusted.tpm());
            assertEquals(EnumSet.allOf(EkCheck.class), trusted.passed());
            assertEquals(List.of("CN=swtpm-localca"), trusted.path().stream().skip(1)
                    .map(c -> c.getSubjectX500Principal().getName()).toList());
            assertEquals(provisioned.localRoot, trusted.anchor().getTrustedCert());
        }
    }

    @Test
    void theChainStoredInNvCompletesThePath() throws Exception {
        byte[] intermediate = provisioned.localIssuer.getEncoded();
        byte[] padded = Arrays.copyOf(intermediate, intermediate.length + 37);
        defineAndWrite(EkSlot.CHAIN_FIRST, padded);
        EndorsementKeys eks = EndorsementKeys.of(tpm);
        EndorsementKeys.StoredCertificate rsa = eks.certificates().getFirst();

        List<byte[]> chain = eks.chain();

        assertEquals(1, chain.size());
        assertArrayEquals(padded, chain.getFirst());
        EkVerdict verdict = EkValidator.trusting(EkTrust.roots(provisioned.localRoot))
                .validate(rsa.contents(), eks.recreate(rsa.slot()), chain);
        assertInstanceOf(EkVerdict.Trusted.class, verdict, verdict.toString());
        // Without the NV chain (and no intermediate given) there is no path to the root.
        EkVerdict alone = EkValidator.trusting(EkTrust.roots(provisioned.localRoot))
                .validate(rsa.contents(), eks.recreate(rsa.slot()), List.of());
        assertTrue(assertInstanceOf(EkVerdict.Rejected.class, alone).failed(EkCheck.CHAIN), alone.toString());
    }

    @Test
    void theLowRangeNonceGoesIntoTheUniqueFieldAndMakesAnotherEk() throws Exception {
        byte[] nonce = {1, 2, 3, 4, 5, 6, 7, 8};
        defineAndWrite(EkSlot.RSA_2048_LOW.nonceIndex().orElseThrow(), nonce);
        EndorsementKeys eks = EndorsementKeys.of(tpm);

        PublicArea template = eks.template(EkSlot.RSA_2048_LOW);

        byte[] expected = Arrays.copyOf(nonce, 256);
        assertArrayEquals(expected, ((PublicId.Rsa) template.unique()).modulus());
        assertEquals(Templates.ekRsa2048().attributes(), template.attributes());
        PublicArea ek = eks.recreate(EkSlot.RSA_2048_LOW);
        EkVerdict verdict = EkValidator.trusting(EkTrust.roots(provisioned.localRoot)
                        .withIntermediates(provisioned.localIssuer))
                .validate(eks.certificates().getFirst().contents(), ek, List.of());
        EkVerdict.Rejected rejected = assertInstanceOf(EkVerdict.Rejected.class, verdict);
        assertEquals(List.of(EkCheck.PUBLIC_KEY), rejected.problems().stream().map(EkProblem::check).toList());
    }

    @Test
    void aCertificateForAnotherKeyIsRejected() throws Exception {
        X509Certificate other = provisioned.issue("other-key", provisioned.otherPublicKey(), "/CN=other",
                ekExtensions("keyEncipherment"));
        EndorsementKeys eks = EndorsementKeys.of(tpm);

        EkVerdict verdict = EkValidator.trusting(EkTrust.roots(provisioned.testRoot))
                .validate(other, eks.recreate(EkSlot.RSA_2048_LOW), List.of());

        EkVerdict.Rejected rejected = assertInstanceOf(EkVerdict.Rejected.class, verdict);
        assertEquals(List.of(EkCheck.PUBLIC_KEY), rejected.problems().stream().map(EkProblem::check).toList());
        assertTrue(rejected.problems().getFirst().reason().contains("another key than the EK"), verdict.toString());
        assertTrue(rejected.passed().contains(EkCheck.CHAIN));
    }

    @Test
    void aCertificateWithoutTheEkPurposeIsRejected() throws Exception {
        X509Certificate rsaEk = EkCertificates.parseOne(EndorsementKeys.of(tpm).certificates().getFirst().contents());
        X509Certificate serverAuth = provisioned.issue("server-auth", provisioned.publicKeyOf(rsaEk, "rsa-ek"),
                "/CN=ek", ekExtensions("keyEncipherment").replace("2.23.133.8.1", "serverAuth"));
        EndorsementKeys eks = EndorsementKeys.of(tpm);

        EkVerdict verdict = EkValidator.trusting(EkTrust.roots(provisioned.testRoot))
                .validate(serverAuth, eks.recreate(EkSlot.RSA_2048_LOW), List.of());

        EkVerdict.Rejected rejected = assertInstanceOf(EkVerdict.Rejected.class, verdict);
        assertEquals(List.of(EkCheck.EXTENDED_KEY_USAGE), rejected.problems().stream().map(EkProblem::check).toList());
        assertTrue(rejected.problems().getFirst().reason().contains("does not include tcg-kp-EKCertificate"),
                verdict.toString());
    }

    @Test
    void aCertificateFromAnUntrustedRootIsRejected() throws Exception {
        EndorsementKeys eks = EndorsementKeys.of(tpm);
        EndorsementKeys.StoredCertificate ecc = eks.certificates().getLast();

        EkVerdict verdict = EkValidator.trusting(EkTrust.roots(provisioned.testRoot)
                        .withIntermediates(provisioned.localIssuer, provisioned.localRoot))
                .validate(ecc.contents(), eks.recreate(ecc.slot()), List.of());

        EkVerdict.Rejected rejected = assertInstanceOf(EkVerdict.Rejected.class, verdict);
        assertEquals(List.of(EkCheck.CHAIN), rejected.problems().stream().map(EkProblem::check).toList());
        assertTrue(rejected.problems().getFirst().reason().contains("trust anchor"), verdict.toString());
        assertEquals(new TpmIdentity("id:00001014", "swtpm", "id:20191023"), rejected.identity().orElseThrow());
    }

    @Test
    void anEmptySubjectWithCriticalProfileExtensionsIsAccepted() throws Exception {
        X509Certificate eccEk = EkCertificates.parseOne(EndorsementKeys.of(tpm).certificates().getLast().contents());
        X509Certificate profileShaped = provisioned.issue("empty-subject", provisioned.publicKeyOf(eccEk, "ecc-ek"),
                "/", ekExtensions("keyAgreement") + "\n2.5.29.9 = critical,DER:" + ProvisionedTpm.TPM_SPECIFICATION_DER);
        assertTrue(profileShaped.getSubjectX500Principal().getName().isEmpty());
        assertTrue(profileShaped.getCriticalExtensionOIDs().containsAll(List.of("2.5.29.9", "2.5.29.17")));
        EndorsementKeys eks = EndorsementKeys.of(tpm);

        EkVerdict verdict = EkValidator.trusting(EkTrust.roots(provisioned.testRoot))
                .validate(profileShaped, eks.recreate(EkSlot.ECC_NIST_P384), List.of());

        assertInstanceOf(EkVerdict.Trusted.class, verdict, verdict.toString());
    }

    @Test
    void theEkCanBeKeptLoadedForTheCaller() throws Exception {
        EndorsementKeys eks = EndorsementKeys.of(tpm);
        try (var ek = eks.create(EkSlot.ECC_NIST_P384)) {
            assertEquals(List.of(ek.handle()), raw.handles(TpmHt.TRANSIENT));
            assertEquals(TpmAlg.SHA384, ek.publicArea().nameAlg());
            assertNotEquals(0, ((PublicId.Ecc) ek.publicArea().unique()).x().length);
        }
    }

    /** The extensions of an EK certificate by the profile, with {@code keyUsage} for its key type. */
    private static String ekExtensions(String keyUsage) {
        return "basicConstraints = critical,CA:FALSE\nkeyUsage = critical," + keyUsage
                + "\nextendedKeyUsage = 2.23.133.8.1\nsubjectAltName = critical,dirName:tpm\n";
    }

    private void defineAndWrite(int index, byte[] data) {
        tpm.nvDefine(new NvPublic(index, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY,
                NvAttributes.AUTHREAD, NvAttributes.AUTHWRITE, NvAttributes.NO_DA), new byte[0], data.length), new byte[0]);
        tpm.nvWrite(index, Authorization.emptyPassword(), data);
    }
}
