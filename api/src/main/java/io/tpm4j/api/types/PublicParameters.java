package io.tpm4j.api.types;

import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

/** TPMU_PUBLIC_PARMS: the algorithm-specific parameters of a public area, one record per TPMI_ALG_PUBLIC selector. */
public sealed interface PublicParameters {

    /** The TPMI_ALG_PUBLIC selector this member belongs to. */
    TpmAlg type();

    void write(TpmWriter out);

    /** TPMS_RSA_PARMS. {@code exponent} 0 means the default 65537. */
    record Rsa(SymmetricDefinition symmetric, Scheme scheme, int keyBits, int exponent) implements PublicParameters {
        public TpmAlg type() {
            return TpmAlg.RSA;
        }

        public void write(TpmWriter out) {
            symmetric.write(out);
            scheme.write(out);
            out.u16(keyBits).u32(exponent);
        }
    }

    /** TPMS_ECC_PARMS. */
    record Ecc(SymmetricDefinition symmetric, Scheme scheme, int curveId, Scheme kdf) implements PublicParameters {
        public TpmAlg type() {
            return TpmAlg.ECC;
        }

        public void write(TpmWriter out) {
            symmetric.write(out);
            scheme.write(out);
            out.u16(curveId);
            kdf.write(out);
        }
    }

    /** TPMS_KEYEDHASH_PARMS: HMAC keys, sealed data objects. */
    record KeyedHash(Scheme scheme) implements PublicParameters {
        public TpmAlg type() {
            return TpmAlg.KEYEDHASH;
        }

        public void write(TpmWriter out) {
            scheme.write(out);
        }
    }

    /** TPMS_SYMCIPHER_PARMS. */
    record SymCipher(SymmetricDefinition symmetric) implements PublicParameters {
        public TpmAlg type() {
            return TpmAlg.SYMCIPHER;
        }

        public void write(TpmWriter out) {
            symmetric.write(out);
        }
    }

    static PublicParameters read(TpmAlg type, TpmReader in) {
        return switch (type) {
            case RSA -> new Rsa(SymmetricDefinition.read(in), Scheme.read(in, "TPMS_RSA_PARMS.scheme"),
                    in.u16("TPMS_RSA_PARMS.keyBits"), in.u32("TPMS_RSA_PARMS.exponent"));
            case ECC -> new Ecc(SymmetricDefinition.read(in), Scheme.read(in, "TPMS_ECC_PARMS.scheme"),
                    in.u16("TPMS_ECC_PARMS.curveID"), Scheme.read(in, "TPMS_ECC_PARMS.kdf"));
            case KEYEDHASH -> new KeyedHash(Scheme.read(in, "TPMS_KEYEDHASH_PARMS.scheme"));
            case SYMCIPHER -> new SymCipher(SymmetricDefinition.read(in));
            default -> throw new IllegalArgumentException(type + " is not a TPMI_ALG_PUBLIC");
        };
    }
}
