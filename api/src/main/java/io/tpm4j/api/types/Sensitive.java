package io.tpm4j.api.types;

import io.tpm4j.api.wire.TpmWriter;

import java.util.Arrays;
import java.util.Objects;

/**
 * TPMT_SENSITIVE: the secret half of an object, as TPM2_LoadExternal and a duplicate carry it in clear. For an RSA key
 * {@code sensitive} is one prime, for an ECC key the private scalar, for a keyed-hash or symmetric key the key bits.
 * {@code seedValue} is the obfuscation value of keyed-hash and symmetric keys (their unique field is the name-algorithm
 * digest of seedValue || key), empty for RSA and ECC.
 */
public record Sensitive(TpmAlg type, byte[] authValue, byte[] seedValue, byte[] sensitive) {

    public Sensitive {
        Objects.requireNonNull(type, "type");
        if (type != TpmAlg.RSA && type != TpmAlg.ECC && type != TpmAlg.KEYEDHASH && type != TpmAlg.SYMCIPHER) {
            throw new IllegalArgumentException(type + " is not an object type (RSA, ECC, KEYEDHASH, SYMCIPHER)");
        }
        authValue = authValue.clone();
        seedValue = seedValue.clone();
        sensitive = sensitive.clone();
    }

    @Override
    public byte[] authValue() {
        return authValue.clone();
    }

    @Override
    public byte[] seedValue() {
        return seedValue.clone();
    }

    @Override
    public byte[] sensitive() {
        return sensitive.clone();
    }

    /** The same secret with another authValue. */
    public Sensitive withAuthValue(byte[] newAuthValue) {
        return new Sensitive(type, newAuthValue, seedValue, sensitive);
    }

    public void write(TpmWriter out) {
        out.u16(type.value()).tpm2b(authValue).tpm2b(seedValue).tpm2b(sensitive);
    }

    /** The marshalled TPMT_SENSITIVE. */
    public byte[] toBytes() {
        TpmWriter out = new TpmWriter(8 + authValue.length + seedValue.length + sensitive.length);
        write(out);
        return out.toByteArray();
    }

    /** TPM2B_SENSITIVE: the size, then the TPMT_SENSITIVE. */
    public byte[] toSizedBytes() {
        return new TpmWriter().tpm2b(toBytes()).toByteArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sensitive s && type == s.type && Arrays.equals(authValue, s.authValue)
                && Arrays.equals(seedValue, s.seedValue) && Arrays.equals(sensitive, s.sensitive);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, Arrays.hashCode(authValue), Arrays.hashCode(seedValue), Arrays.hashCode(sensitive));
    }

    /** Never shows the secrets. */
    @Override
    public String toString() {
        return "Sensitive[" + type + ", authValue " + authValue.length + " bytes, key " + sensitive.length + " bytes]";
    }
}
