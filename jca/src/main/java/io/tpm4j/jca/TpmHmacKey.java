package io.tpm4j.jca;

import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.TpmAlg;

import javax.crypto.SecretKey;
import java.io.Serial;

/** A keyed-hash HMAC key in the TPM (HMAC-SHA-256), for {@code Mac.getInstance("HmacSHA256")}. */
public final class TpmHmacKey extends TpmKey implements SecretKey {

    @Serial
    private static final long serialVersionUID = 1L;

    TpmHmacKey(Tpm4jProvider provider, PublicArea publicArea, Source source, char[] password, TpmPolicy policy) {
        super(provider, publicArea, source, password, policy);
        if (!(publicArea.parameters() instanceof PublicParameters.KeyedHash k)
                || k.scheme().scheme() != TpmAlg.HMAC.value() || k.scheme().hashAlg() != TpmAlg.SHA256.value()) {
            throw new IllegalArgumentException("not an HMAC-SHA-256 keyed-hash public area: " + publicArea);
        }
    }

    @Override
    public String getAlgorithm() {
        return "HmacSHA256";
    }
}
