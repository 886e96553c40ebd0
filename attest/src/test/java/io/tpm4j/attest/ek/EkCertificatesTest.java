package io.tpm4j.attest.ek;

import io.tpm4j.api.types.Templates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** NV contents as hostile input: padding, concatenation, truncation, lies in DER lengths, mutations; no TPM needed. */
class EkCertificatesTest {

    @TempDir
    static Path dir;
    static X509Certificate root;
    static X509Certificate issuer;

    @BeforeAll
    static void certificates() throws Exception {
        ProvisionedTpm provisioned = ProvisionedTpm.create(dir);
        root = provisioned.localRoot;
        issuer = provisioned.localIssuer;
    }

    @Test
    void paddingAfterTheCertificateIsAllowedAndConcatenatedCertificatesAreSplit() throws Exception {
        byte[] one = issuer.getEncoded();
        byte[] two = root.getEncoded();
        byte[] both = Arrays.copyOf(one, one.length + two.length + 20);
        System.arraycopy(two, 0, both, one.length, two.length);

        assertEquals(issuer, EkCertificates.parseOne(Arrays.copyOf(one, one.length + 100)));
        assertEquals(List.of(issuer, root), EkCertificates.parseAll(both));
        byte[] erased = Arrays.copyOf(one, one.length + 8);
        Arrays.fill(erased, one.length, erased.length, (byte) 0xFF);
        assertEquals(issuer, EkCertificates.parseOne(erased));
    }

    @Test
    void malformedContentsAreClearErrors() throws Exception {
        byte[] der = issuer.getEncoded();
        assertMessage("holds no certificate", () -> EkCertificates.parseOne(new byte[64]));
        assertMessage("claims", () -> EkCertificates.parseOne(Arrays.copyOf(der, der.length - 1)));
        assertMessage("expected a certificate", () -> EkCertificates.parseOne(new byte[] {0x02, 0x01, 0x00}));
        byte[] trailing = Arrays.copyOf(der, der.length + 3);
        trailing[der.length] = 0x42;
        assertMessage("neither", () -> EkCertificates.parseOne(trailing));
        assertMessage("more than the 16384", () -> EkCertificates.parseAll(new byte[EkCertificates.MAX_INDEX_BYTES + 1]));
        byte[] longLength = {0x30, (byte) 0x84, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        assertMessage("length bytes", () -> EkCertificates.parseOne(longLength));
    }

    @Test
    void mutatedCertificatesGiveOnlyVerdictsNeverExceptions() throws Exception {
        EkValidator validator = EkValidator.trusting(EkTrust.roots(root));
        byte[] der = issuer.getEncoded();
        Random random = new Random(18);
        for (int i = 0; i < 2_000; i++) {
            byte[] mutated = der.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            }
            byte[] input = random.nextBoolean() ? mutated : Arrays.copyOf(mutated, random.nextInt(mutated.length));
            EkVerdict verdict = validator.validate(input, Templates.ekRsa2048(), List.of(input));
            // The issuer is a CA certificate of another key: whatever the mutation, it is never a trusted EK.
            assertInstanceOf(EkVerdict.Rejected.class, verdict);
        }
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable parse) {
        EkCertificateException e = assertThrows(EkCertificateException.class, parse);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
