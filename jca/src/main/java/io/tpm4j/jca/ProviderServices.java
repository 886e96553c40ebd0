package io.tpm4j.jca;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The services the {@code tpm4j} provider registers, and the key classes each takes. */
final class ProviderServices {

    /** The secure-random algorithm name: bytes from TPM2_GetRandom. */
    static final String SECURE_RANDOM = "TPM";

    private ProviderServices() {
    }

    static void register(Tpm4jProvider p) {
        Map<String, String> ec = keys(TpmEcKey.class);
        Map<String, String> rsa = keys(TpmRsaKey.class);
        add(p, "KeyPairGenerator", "EC", List.of("EllipticCurve"), Map.of(),
                x -> new TpmKeyPairGenerator(p, TpmKeyGenParameterSpec.Kind.EC));
        add(p, "KeyPairGenerator", "RSA", List.of(), Map.of(),
                x -> new TpmKeyPairGenerator(p, TpmKeyGenParameterSpec.Kind.RSA));
        for (String bits : List.of("256", "384", "512")) {
            String digest = "SHA-" + bits;
            add(p, "Signature", "SHA" + bits + "withECDSA", List.of(), ec,
                    x -> new TpmSignature(TpmSignature.Kind.ECDSA, "SHA" + bits + "withECDSA", digest));
            add(p, "Signature", "SHA" + bits + "withRSA", List.of(), rsa,
                    x -> new TpmSignature(TpmSignature.Kind.RSASSA, "SHA" + bits + "withRSA", digest));
        }
        add(p, "Signature", "NONEwithECDSA", List.of(), ec,
                x -> new TpmSignature(TpmSignature.Kind.ECDSA, "NONEwithECDSA", null));
        add(p, "Signature", "RSASSA-PSS", List.of("PSS"), rsa,
                x -> new TpmSignature(TpmSignature.Kind.RSAPSS, "RSASSA-PSS", null));
        add(p, "Cipher", "RSA/ECB/PKCS1Padding", List.of("RSA"), rsa, x -> new TpmRsaCipher(false));
        add(p, "Cipher", "RSA/ECB/OAEPWithSHA-256AndMGF1Padding", List.of(), rsa, x -> new TpmRsaCipher(true));
        add(p, "KeyAgreement", "ECDH", List.of(), ec, x -> new TpmEcdh());
        add(p, "Mac", "HmacSHA256", List.of(), keys(TpmHmacKey.class), x -> new TpmHmac());
        add(p, "KeyGenerator", "HmacSHA256", List.of(), Map.of(), x -> new TpmHmacKeyGenerator(p));
        add(p, "KeyStore", "TPM", List.of(), Map.of(), x -> new TpmKeyStore(p));
        add(p, "SecureRandom", SECURE_RANDOM, List.of(), Map.of("ThreadSafe", "true"), x -> new TpmSecureRandom(p));
    }

    private static Map<String, String> keys(Class<?> keyClass) {
        return Map.of("SupportedKeyClasses", keyClass.getName());
    }

    private static void add(Tpm4jProvider p, String type, String algorithm, List<String> aliases,
                            Map<String, String> attributes, Function<Object, Object> factory) {
        p.add(new Tpm4jProvider.TpmService(p, type, algorithm, aliases, attributes, factory));
    }
}
