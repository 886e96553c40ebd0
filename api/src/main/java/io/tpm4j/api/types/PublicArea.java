package io.tpm4j.api.types;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.Arrays;
import java.util.Objects;

/**
 * TPMT_PUBLIC: an object's public area — its type (implied by {@code parameters}), name algorithm,
 * attributes, authorisation policy, algorithm parameters and unique identifier.
 */
public record PublicArea(TpmAlg nameAlg, ObjectAttributes attributes, byte[] authPolicy, PublicParameters parameters,
                         PublicId unique) {

    public PublicArea {
        Objects.requireNonNull(nameAlg, "nameAlg");
        Objects.requireNonNull(attributes, "attributes");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(unique, "unique");
        authPolicy = authPolicy.clone();
        boolean matches = switch (parameters) {
            case PublicParameters.Rsa r -> unique instanceof PublicId.Rsa;
            case PublicParameters.Ecc e -> unique instanceof PublicId.Ecc;
            case PublicParameters.KeyedHash k -> unique instanceof PublicId.Digest;
            case PublicParameters.SymCipher s -> unique instanceof PublicId.Digest;
        };
        if (!matches) {
            throw new IllegalArgumentException("unique " + unique.getClass().getSimpleName() + " does not match a "
                    + parameters.type() + " public area");
        }
    }

    /** TPMI_ALG_PUBLIC, the union selector. */
    public TpmAlg type() {
        return parameters.type();
    }

    @Override
    public byte[] authPolicy() {
        return authPolicy.clone();
    }

    public void write(TpmWriter out) {
        out.u16(type().value()).u16(nameAlg.value()).u32(attributes.raw()).tpm2b(authPolicy);
        parameters.write(out);
        unique.write(out);
    }

    /** The marshalled TPMT_PUBLIC. */
    public byte[] toBytes() {
        TpmWriter out = new TpmWriter(128);
        write(out);
        return out.toByteArray();
    }

    /** TPM2B_PUBLIC: the size, then the TPMT_PUBLIC. */
    public void writeSized(TpmWriter out) {
        out.tpm2b(toBytes());
    }

    /**
     * The object's Name: nameAlg followed by the nameAlg digest of the marshalled public area (Part 1,
     * "Names"), computed here so it can be compared with what the TPM reports.
     */
    public byte[] name() {
        return Names.of(nameAlg, toBytes());
    }

    public static PublicArea read(TpmReader in) {
        int typeAt = in.position();
        int typeValue = in.u16("TPMT_PUBLIC.type");
        TpmAlg type = TpmAlg.of(typeValue).filter(t -> t == TpmAlg.RSA || t == TpmAlg.ECC || t == TpmAlg.KEYEDHASH
                || t == TpmAlg.SYMCIPHER).orElseThrow(() -> new TpmProtocolException("TPMT_PUBLIC.type "
                + TpmAlg.describe(typeValue) + " is not a TPMI_ALG_PUBLIC", typeAt));
        int nameAt = in.position();
        int nameValue = in.u16("TPMT_PUBLIC.nameAlg");
        TpmAlg nameAlg = TpmAlg.of(nameValue).orElseThrow(() -> new TpmProtocolException("TPMT_PUBLIC.nameAlg "
                + TpmAlg.describe(nameValue) + " is not a known algorithm", nameAt));
        ObjectAttributes attributes = new ObjectAttributes(in.u32("TPMT_PUBLIC.objectAttributes"));
        byte[] policy = in.tpm2b(64, "TPMT_PUBLIC.authPolicy");
        return new PublicArea(nameAlg, attributes, policy, PublicParameters.read(type, in), PublicId.read(type, in));
    }

    /** TPM2B_PUBLIC: a size, then exactly that many bytes of TPMT_PUBLIC. */
    public static PublicArea readSized(TpmReader in) {
        int at = in.position();
        int size = in.u16("TPM2B_PUBLIC.size");
        if (size > in.remaining()) {
            throw new TpmProtocolException("TPM2B_PUBLIC.size " + size + " exceeds the " + in.remaining()
                    + " bytes left", at);
        }
        byte[] body = in.bytes(size, "TPM2B_PUBLIC");
        TpmReader inner = new TpmReader(body);
        try {
            PublicArea area = read(inner);
            inner.expectEnd("TPM2B_PUBLIC");
            return area;
        } catch (TpmProtocolException e) {
            throw new TpmProtocolException("in TPM2B_PUBLIC at offset " + (at + 2) + ": " + e.getMessage(), at + 2 + Math.max(0, e.offset()));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicArea p && nameAlg == p.nameAlg && attributes.equals(p.attributes)
                && Arrays.equals(authPolicy, p.authPolicy) && parameters.equals(p.parameters) && unique.equals(p.unique);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nameAlg, attributes, Arrays.hashCode(authPolicy), parameters, unique);
    }

    @Override
    public String toString() {
        return "PublicArea[" + type() + ", nameAlg " + TpmAlg.describe(nameAlg.value()) + ", " + attributes + ", "
                + parameters + "]";
    }
}
