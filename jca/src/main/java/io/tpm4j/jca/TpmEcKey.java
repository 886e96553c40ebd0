package io.tpm4j.jca;

import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicParameters;

import java.io.Serial;
import java.security.PrivateKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;

/**
 * The private half of an ECC key in the TPM. It is an {@link ECKey} (curve parameters, which TLS reads to pick a
 * signature scheme) but deliberately not an {@code ECPrivateKey}: it has no S to give, and the JDK's SunEC, whose
 * services claim every {@code ECPrivateKey}, would otherwise be tried with it first.
 */
public final class TpmEcKey extends TpmKey implements PrivateKey, ECKey {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient ECPublicKey publicKey;

    TpmEcKey(Tpm4jProvider provider, PublicArea publicArea, Source source, char[] password, TpmPolicy policy) {
        super(provider, publicArea, source, password, policy);
        if (!(publicArea.parameters() instanceof PublicParameters.Ecc)) {
            throw new IllegalArgumentException("not an ECC public area: " + publicArea);
        }
        this.publicKey = (ECPublicKey) PublicKeys.toPublicKey(publicArea);
    }

    /** The public half, an ordinary JDK key. */
    public ECPublicKey publicKey() {
        return publicKey;
    }

    /** The curve's size in bytes (32 for P-256). */
    int fieldBytes() {
        return (publicKey.getParams().getCurve().getField().getFieldSize() + 7) / 8;
    }

    @Override
    public String getAlgorithm() {
        return "EC";
    }

    @Override
    public ECParameterSpec getParams() {
        return publicKey.getParams();
    }
}
