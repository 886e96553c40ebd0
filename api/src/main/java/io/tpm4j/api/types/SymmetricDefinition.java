package io.tpm4j.api.types;

import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

/**
 * TPMT_SYM_DEF_OBJECT and TPMT_SYM_DEF: a block cipher, key size and mode (e.g. AES-128-CFB for a storage
 * key); TPM_ALG_NULL, in which case nothing else is marshalled; or (sessions only) XOR, whose "key bits"
 * are a hash algorithm and which has no mode.
 */
public record SymmetricDefinition(int algorithm, int keyBits, int mode) {

    public static final SymmetricDefinition NULL = new SymmetricDefinition(TpmAlg.NULL.value(), 0, 0);
    public static final SymmetricDefinition AES_128_CFB = new SymmetricDefinition(TpmAlg.AES.value(), 128, TpmAlg.CFB.value());
    public static final SymmetricDefinition AES_256_CFB = new SymmetricDefinition(TpmAlg.AES.value(), 256, TpmAlg.CFB.value());

    /** XOR obfuscation with {@code hash}, for parameter encryption in a session (TPMT_SYM_DEF only). */
    public static SymmetricDefinition xor(TpmAlg hash) {
        return new SymmetricDefinition(TpmAlg.XOR.value(), hash.value(), TpmAlg.NULL.value());
    }

    public boolean isXor() {
        return algorithm == TpmAlg.XOR.value();
    }

    public boolean isNull() {
        return algorithm == TpmAlg.NULL.value();
    }

    public void write(TpmWriter out) {
        out.u16(algorithm);
        if (!isNull()) {
            out.u16(keyBits);
            if (!isXor()) {
                out.u16(mode);
            }
        }
    }

    public static SymmetricDefinition read(TpmReader in) {
        int alg = in.u16("TPMT_SYM_DEF_OBJECT.algorithm");
        if (alg == TpmAlg.NULL.value()) {
            return NULL;
        }
        int keyBits = in.u16("TPMT_SYM_DEF_OBJECT.keyBits");
        return new SymmetricDefinition(alg, keyBits,
                alg == TpmAlg.XOR.value() ? TpmAlg.NULL.value() : in.u16("TPMT_SYM_DEF_OBJECT.mode"));
    }
}
