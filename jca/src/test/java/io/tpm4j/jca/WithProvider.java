package io.tpm4j.jca;

import io.tpm4j.api.PlatformHierarchy;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmTransport;

import io.tpm4j.api.types.TpmHt;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.TpmChip;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.AlgorithmParameterSpec;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A provider over a space of tpm4j's resource manager on a private swtpm (3 object slots), with every command that
 * reaches the swtpm counted. After each test the provider and the RM are closed and the raw TPM must hold no
 * transient object and no session.
 */
abstract class WithProvider {

    Swtpm swtpm;
    TpmChip chip;
    ResourceManager rm;
    /** The TPM straight through its device, past the RM: what is really loaded. */
    Tpm raw;
    /** Every command the TPM carried out for the RM. */
    CommandCounter atTpm;
    Tpm4jProvider provider;

    @BeforeEach
    void startProvider() {
        swtpm = Swtpm.startChardev();
        TpmTransport device = swtpm.transport();
        raw = Tpm.on(device::transmit);
        PlatformHierarchy.DISABLE.startupIfNeeded(raw);
        atTpm = new CommandCounter(device);
        chip = TpmChip.over(atTpm, "swtpm");
        rm = ResourceManager.over(chip);
        provider = Tpm4jProvider.over(rm.openSpace("provider"));
    }

    @AfterEach
    void closeAndCheckNothingLeft() {
        try {
            provider.close();
            rm.close();
            assertEquals(List.of(), raw.handles(TpmHt.TRANSIENT), "transient objects left in the TPM");
            assertEquals(List.of(), raw.loadedSessions(), "loaded sessions left in the TPM");
            assertEquals(List.of(), raw.savedSessions(), "saved sessions left in the TPM");
        } finally {
            chip.close();
            swtpm.close();
        }
    }

    KeyPair generate(String algorithm, AlgorithmParameterSpec spec) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm, provider);
        generator.initialize(spec);
        return generator.generateKeyPair();
    }

    KeyPair ec(String curve) throws Exception {
        return generate("EC", TpmKeyGenParameterSpec.ec(curve).build());
    }

    KeyPair rsa(int bits) throws Exception {
        return generate("RSA", TpmKeyGenParameterSpec.rsa(bits).build());
    }

    /** A SHA256withECDSA signature of {@code message} by {@code key}, through this provider. */
    byte[] signEcdsa(PrivateKey key, byte[] message) throws Exception {
        Signature signer = Signature.getInstance("SHA256withECDSA", provider);
        signer.initSign(key);
        signer.update(message);
        return signer.sign();
    }

    /** Whether the JDK's own provider verifies a SHA256withECDSA {@code signature} of {@code message}. */
    static boolean jdkVerifiesEcdsa(PublicKey publicKey, byte[] message, byte[] signature) throws Exception {
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(publicKey);
        verifier.update(message);
        return verifier.verify(signature);
    }
}
