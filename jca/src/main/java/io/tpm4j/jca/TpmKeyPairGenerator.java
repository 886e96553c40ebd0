package io.tpm4j.jca;

import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.Create;

import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidParameterException;
import java.security.KeyPair;
import java.security.KeyPairGeneratorSpi;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;

/**
 * EC (P-256, P-384) and RSA (2048, 3072) key pairs generated in the TPM with one TPM2_Create under the parent; the
 * private half is a {@link TpmEcKey} or {@link TpmRsaKey} (loaded at its first use), the public half an ordinary JDK
 * key. Initialise with a {@link TpmKeyGenParameterSpec}, or with a key size, {@code ECGenParameterSpec} or
 * {@code RSAKeyGenParameterSpec} (exponent 65537) for the defaults. Also the HMAC {@code KeyGenerator}'s worker.
 */
final class TpmKeyPairGenerator extends KeyPairGeneratorSpi {

    private final Tpm4jProvider provider;
    private final TpmKeyGenParameterSpec.Kind kind;
    private TpmKeyGenParameterSpec spec;

    TpmKeyPairGenerator(Tpm4jProvider provider, TpmKeyGenParameterSpec.Kind kind) {
        this.provider = provider;
        this.kind = kind;
        this.spec = kind == TpmKeyGenParameterSpec.Kind.EC ? TpmKeyGenParameterSpec.ec("P-256").build()
                : TpmKeyGenParameterSpec.rsa(2048).build();
    }

    @Override
    public void initialize(int keysize, SecureRandom random) {
        try {
            spec = kind == TpmKeyGenParameterSpec.Kind.EC ? TpmKeyGenParameterSpec.ec(switch (keysize) {
                case 256 -> "P-256";
                case 384 -> "P-384";
                default -> throw new InvalidParameterException("EC keys in the TPM are 256 or 384 bits, not " + keysize);
            }).build() : TpmKeyGenParameterSpec.rsa(keysize).build();
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException(e.getMessage());
        }
    }

    @Override
    public void initialize(AlgorithmParameterSpec params, SecureRandom random) throws InvalidAlgorithmParameterException {
        try {
            spec = switch (params) {
                case TpmKeyGenParameterSpec s when s.kind() == kind -> s;
                case ECGenParameterSpec ec when kind == TpmKeyGenParameterSpec.Kind.EC ->
                        TpmKeyGenParameterSpec.ec(ec.getName()).build();
                case RSAKeyGenParameterSpec rsa when kind == TpmKeyGenParameterSpec.Kind.RSA -> {
                    if (!rsa.getPublicExponent().equals(RSAKeyGenParameterSpec.F4)) {
                        throw new InvalidAlgorithmParameterException("the TPM's RSA keys use exponent 65537, not "
                                + rsa.getPublicExponent());
                    }
                    yield TpmKeyGenParameterSpec.rsa(rsa.getKeysize()).build();
                }
                case null, default -> throw new InvalidAlgorithmParameterException("a tpm4j " + kind + " key pair takes a "
                        + "TpmKeyGenParameterSpec for " + kind + (kind == TpmKeyGenParameterSpec.Kind.EC
                        ? " or an ECGenParameterSpec" : " or an RSAKeyGenParameterSpec") + ", not " + params);
            };
        } catch (IllegalArgumentException e) {
            throw new InvalidAlgorithmParameterException(e.getMessage(), e);
        }
    }

    @Override
    public KeyPair generateKeyPair() {
        TpmKey key = create(provider, spec);
        return switch (key) {
            case TpmEcKey ec -> new KeyPair(ec.publicKey(), ec);
            case TpmRsaKey rsa -> new KeyPair(rsa.publicKey(), rsa);
            case TpmHmacKey h -> throw new ProviderException("an HMAC key is not a key pair");
        };
    }

    /** TPM2_Create from {@code spec}: the key, to be loaded at its first use. */
    static TpmKey create(Tpm4jProvider provider, TpmKeyGenParameterSpec spec) {
        char[] password = spec.password();
        byte[] authValue = new String(password).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            Create.Response created = provider.connection().create(spec.parent(), spec.template(), authValue);
            return provider.key(created.outPublic(), new TpmKey.Loadable(created.outPrivate(), spec.parent()), password,
                    spec.policy().orElse(null));
        } catch (TpmResponseException e) {
            throw new ProviderException("TPM2_Create of " + spec + " failed: " + e.getMessage(), e);
        } finally {
            Arrays.fill(password, '\0');
            Arrays.fill(authValue, (byte) 0);
        }
    }

}
