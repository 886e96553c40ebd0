package io.tpm4j.api.types;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.Arrays;

/** TPMT_SIGNATURE: a signature, one record per kind of TPMU_SIGNATURE member, keyed by sigAlg. */
public sealed interface Signature {

    /** The largest signature field: a 4096-bit RSA signature, or a P-521 coordinate with room to spare. */
    int MAX_BYTES = 512;

    int sigAlg();

    void write(TpmWriter out);

    /** TPMS_SIGNATURE_RSA, for RSASSA and RSAPSS. */
    record Rsa(int sigAlg, int hashAlg, byte[] signature) implements Signature {
        public Rsa {
            signature = signature.clone();
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }

        public void write(TpmWriter out) {
            out.u16(sigAlg).u16(hashAlg).tpm2b(signature);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Rsa r && sigAlg == r.sigAlg && hashAlg == r.hashAlg && Arrays.equals(signature, r.signature);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(signature);
        }
    }

    /** TPMS_SIGNATURE_ECC, for ECDSA, ECDAA, SM2 and ECSCHNORR: the integers r and s, big-endian. */
    record Ecc(int sigAlg, int hashAlg, byte[] r, byte[] s) implements Signature {
        public Ecc {
            r = r.clone();
            s = s.clone();
        }

        @Override
        public byte[] r() {
            return r.clone();
        }

        @Override
        public byte[] s() {
            return s.clone();
        }

        public void write(TpmWriter out) {
            out.u16(sigAlg).u16(hashAlg).tpm2b(r).tpm2b(s);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Ecc e && sigAlg == e.sigAlg && hashAlg == e.hashAlg && Arrays.equals(r, e.r)
                    && Arrays.equals(s, e.s);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(r) + Arrays.hashCode(s);
        }
    }

    /** TPMT_HA, for HMAC signatures. */
    record Hmac(TaggedDigest digest) implements Signature {
        public int sigAlg() {
            return TpmAlg.HMAC.value();
        }

        public void write(TpmWriter out) {
            out.u16(sigAlg());
            digest.write(out);
        }
    }

    /** TPM_ALG_NULL: no signature. */
    record Null() implements Signature {
        public int sigAlg() {
            return TpmAlg.NULL.value();
        }

        public void write(TpmWriter out) {
            out.u16(sigAlg());
        }
    }

    public static Signature read(TpmReader in) {
        int at = in.position();
        int alg = in.u16("TPMT_SIGNATURE.sigAlg");
        return switch (TpmAlg.of(alg).orElse(TpmAlg.ERROR)) {
            case RSASSA, RSAPSS -> new Rsa(alg, in.u16("TPMS_SIGNATURE_RSA.hash"),
                    in.tpm2b(MAX_BYTES, "TPMS_SIGNATURE_RSA.sig"));
            case ECDSA, ECDAA, SM2, ECSCHNORR -> new Ecc(alg, in.u16("TPMS_SIGNATURE_ECC.hash"),
                    in.tpm2b(MAX_BYTES, "TPMS_SIGNATURE_ECC.signatureR"), in.tpm2b(MAX_BYTES, "TPMS_SIGNATURE_ECC.signatureS"));
            case HMAC -> new Hmac(TaggedDigest.read(in));
            case NULL -> new Null();
            default -> throw new TpmProtocolException("TPMT_SIGNATURE.sigAlg " + TpmAlg.describe(alg)
                    + " is not a signature scheme", at);
        };
    }
}
