package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.jca.Tpm4jProvider;
import io.tpm4j.jca.TpmKeyGenParameterSpec;
import io.tpm4j.testhw.LeakCheck;
import io.tpm4j.testhw.Needs;
import io.tpm4j.testhw.Permission;
import io.tpm4j.testhw.SuiteContext;
import io.tpm4j.testhw.Target;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code tpm4j} JCA provider on the TPM under test, configured as an application configures it: keys made in the
 * TPM sign and decrypt what the JDK's own providers verify and encrypt, and closing the provider leaves nothing loaded.
 */
@ExtendWith(LeakCheck.class)
@Needs(Permission.OWNER)
public class JcaProviderTest {

    private final SuiteContext context = SuiteContext.current();

    @Test
    @DisplayName("the tpm4j JCA provider (device:PATH on /dev/tpmrmN, unix:PATH on the server, else the suite's own "
            + "connection): EC P-256 signature the JDK verifies, RSA-2048 OAEP decryption, SecureRandom")
    void providerOnTheTarget() throws Exception {
        try (Tpm4jProvider provider = providerFor(context)) {
            exercise(provider);
        }
        // LeakCheck then sees what the provider left where it shares the suite's connection; the kernel and the
        // server flush a closed client's objects themselves.
    }

    @Test
    @DisplayName("device:/dev/tpmN: the provider with tpm4j's resource manager on a raw kernel device (a vTPM-proxy "
            + "chip of the test's own); the TPM holds nothing of it after close")
    void rawDeviceConfiguration() throws Exception {
        try (VtpmChips.Chip chip = VtpmChips.Chip.start(UnaryOperator.identity())) {
            try (LinuxTpmDevice device = LinuxTpmDevice.open(chip.raw())) {
                Tpm.on(device).startupIfNeeded();
            }
            try (Tpm4jProvider provider = new Tpm4jProvider().configure("device:" + chip.raw())) {
                exercise(provider);
                // The device is the provider's alone while it is open.
                assertThrows(TpmTransportException.class, () -> LinuxTpmDevice.open(chip.raw()).close());
            }
            try (LinuxTpmDevice device = LinuxTpmDevice.open(chip.raw())) {
                Tpm raw = Tpm.on(device);
                assertEquals(List.of(), raw.handles(TpmHt.TRANSIENT), "objects the provider left in the TPM");
                assertEquals(List.of(), raw.loadedSessions(), "sessions the provider left loaded");
                assertEquals(List.of(), raw.savedSessions(), "sessions the provider left saved");
            }
        }
    }

    /**
     * The provider for the suite's target. /dev/tpmN is exclusive and the suite holds it open, as it holds its
     * private swtpm and its space of tpm4j's RM: there the provider shares the suite's connection (not closing it),
     * so that LeakCheck sees whatever it leaves. {@link #rawDeviceConfiguration} covers {@code device:/dev/tpmN}.
     */
    private static Tpm4jProvider providerFor(SuiteContext context) {
        TpmTransport shared = context.tpm().transport()::transmit;
        return switch (context.target()) {
            case Target.Device d when d.path().getFileName().toString().startsWith("tpmrm") ->
                    new Tpm4jProvider().configure("device:" + d.path());
            case Target.Server s -> new Tpm4jProvider().configure("unix:" + s.rawSocket());
            case Target.Device _, Target.ResourceManagerOver _, Target.PrivateSwtpm _ -> Tpm4jProvider.over(shared);
        };
    }

    /** An EC signature and an RSA decryption in the TPM, each checked against the JDK, and random bytes. */
    private static void exercise(Tpm4jProvider provider) throws Exception {
        byte[] message = "signed through the JCA by the TPM under test".getBytes(StandardCharsets.UTF_8);
        KeyPair ec = generate(provider, "EC", TpmKeyGenParameterSpec.ec("P-256").build());
        Signature signer = Signature.getInstance("SHA256withECDSA", provider);
        signer.initSign(ec.getPrivate());
        signer.update(message);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(ec.getPublic());
        verifier.update(message);
        assertTrue(verifier.verify(signature), "the JDK verifies the TPM's signature");

        KeyPair rsa = generate(provider, "RSA", TpmKeyGenParameterSpec.rsa(2048).build());
        byte[] secret = "a data key of 32 bytes, or so...".getBytes(StandardCharsets.UTF_8);
        Cipher encrypt = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
        encrypt.init(Cipher.ENCRYPT_MODE, rsa.getPublic(), new OAEPParameterSpec("SHA-256", "MGF1",
                MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
        Cipher decrypt = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", provider);
        decrypt.init(Cipher.DECRYPT_MODE, rsa.getPrivate());
        assertArrayEquals(secret, decrypt.doFinal(encrypt.doFinal(secret)), "the TPM decrypts what the JDK encrypted");

        SecureRandom random = SecureRandom.getInstance("TPM", provider);
        byte[] first = new byte[100];
        byte[] second = new byte[100];
        random.nextBytes(first);
        random.nextBytes(second);
        assertFalse(Arrays.equals(first, second), "two draws of 100 bytes differ");
        assertFalse(Arrays.equals(new byte[100], first), "random bytes are not all zero");
    }

    private static KeyPair generate(Tpm4jProvider provider, String algorithm, TpmKeyGenParameterSpec spec)
            throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm, provider);
        generator.initialize(spec);
        return generator.generateKeyPair();
    }
}
