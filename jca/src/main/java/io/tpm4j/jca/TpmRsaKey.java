package io.tpm4j.jca;

import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicParameters;

import java.io.Serial;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The private half of an RSA key in the TPM. It is an {@link RSAKey} (the modulus, which TLS reads for the key
 * size) but not an {@code RSAPrivateKey}: it has no private exponent to give, and the JDK's RSA services claim every
 * {@code RSAPrivateKey}.
 */
public final class TpmRsaKey extends TpmKey implements PrivateKey, RSAKey {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient RSAPublicKey publicKey;
    /** The RSASSA-PSS salt length the TPM uses with this key, per digest: learned from the first signature. */
    private final transient Map<String, Integer> pssSaltLengths = new ConcurrentHashMap<>();

    TpmRsaKey(Tpm4jProvider provider, PublicArea publicArea, Source source, char[] password, TpmPolicy policy) {
        super(provider, publicArea, source, password, policy);
        if (!(publicArea.parameters() instanceof PublicParameters.Rsa)) {
            throw new IllegalArgumentException("not an RSA public area: " + publicArea);
        }
        this.publicKey = (RSAPublicKey) PublicKeys.toPublicKey(publicArea);
    }

    /** The public half, an ordinary JDK key. */
    public RSAPublicKey publicKey() {
        return publicKey;
    }

    /**
     * The salt length of the TPM's RSASSA-PSS signatures with {@code digestName}: the one {@code learn} finds in a
     * signature the first time (empty when that signature does not verify), the same afterwards.
     */
    OptionalInt pssSaltLength(String digestName, Supplier<OptionalInt> learn) {
        Integer known = pssSaltLengths.get(digestName);
        if (known != null) {
            return OptionalInt.of(known);
        }
        OptionalInt learned = learn.get();
        learned.ifPresent(length -> pssSaltLengths.put(digestName, length));
        return learned;
    }

    /** The modulus size in bytes. */
    int modulusBytes() {
        return (publicKey.getModulus().bitLength() + 7) / 8;
    }

    @Override
    public String getAlgorithm() {
        return "RSA";
    }

    /** None: the key is RSA (PKCS#1), not an RSASSA-PSS-only key. */
    @Override
    public java.security.spec.AlgorithmParameterSpec getParams() {
        return null;
    }

    @Override
    public BigInteger getModulus() {
        return publicKey.getModulus();
    }
}
