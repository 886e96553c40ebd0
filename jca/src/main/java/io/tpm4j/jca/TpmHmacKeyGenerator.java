package io.tpm4j.jca;

import javax.crypto.KeyGeneratorSpi;
import javax.crypto.SecretKey;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidParameterException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;

/**
 * HmacSHA256 keys generated in the TPM (a keyed-hash object, TPM2_Create): {@link TpmHmacKey}s for tpm4j's Mac.
 * Initialise with {@code TpmKeyGenParameterSpec.hmac()...} for a parent, password or policy.
 */
final class TpmHmacKeyGenerator extends KeyGeneratorSpi {

    private final Tpm4jProvider provider;
    private TpmKeyGenParameterSpec spec = TpmKeyGenParameterSpec.hmac().build();

    TpmHmacKeyGenerator(Tpm4jProvider provider) {
        this.provider = provider;
    }

    @Override
    protected void engineInit(SecureRandom random) {
        // The TPM's own generator makes the key.
    }

    @Override
    protected void engineInit(AlgorithmParameterSpec params, SecureRandom random) throws InvalidAlgorithmParameterException {
        if (!(params instanceof TpmKeyGenParameterSpec s) || s.kind() != TpmKeyGenParameterSpec.Kind.HMAC) {
            throw new InvalidAlgorithmParameterException("HmacSHA256 keys take TpmKeyGenParameterSpec.hmac(), not " + params);
        }
        spec = s;
    }

    @Override
    protected void engineInit(int keysize, SecureRandom random) {
        if (keysize != 256) {
            throw new InvalidParameterException("TPM HMAC-SHA-256 keys are 256 bits, not " + keysize);
        }
    }

    @Override
    protected SecretKey engineGenerateKey() {
        return (SecretKey) TpmKeyPairGenerator.create(provider, spec);
    }
}
