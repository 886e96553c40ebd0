package io.tpm4j.api.types;

import io.tpm4j.api.wire.TpmWriter;

import java.util.Arrays;

/** TPMS_SENSITIVE_CREATE: the authValue of a new object and, for sealed objects, the data to seal. */
public record SensitiveCreate(byte[] userAuth, byte[] data) {

    public static final SensitiveCreate EMPTY = new SensitiveCreate(new byte[0], new byte[0]);

    public SensitiveCreate {
        userAuth = userAuth.clone();
        data = data.clone();
    }

    @Override
    public byte[] userAuth() {
        return userAuth.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** TPM2B_SENSITIVE_CREATE: a size, then userAuth and data as TPM2Bs. */
    public void writeSized(TpmWriter out) {
        out.tpm2b(new TpmWriter(4 + userAuth.length + data.length).tpm2b(userAuth).tpm2b(data).toByteArray());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SensitiveCreate s && Arrays.equals(userAuth, s.userAuth) && Arrays.equals(data, s.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(userAuth) + Arrays.hashCode(data);
    }

    /** Never shows the secrets. */
    @Override
    public String toString() {
        return "SensitiveCreate[userAuth " + userAuth.length + " bytes, data " + data.length + " bytes]";
    }
}
