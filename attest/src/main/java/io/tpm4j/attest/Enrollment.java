package io.tpm4j.attest;

import io.tpm4j.api.types.PublicArea;
import io.tpm4j.attest.ek.EkCertificates;
import io.tpm4j.attest.ek.EkValidator;
import io.tpm4j.attest.quote.AttestationKey;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The attester's first message ({@link Attester#enroll()}): its EK, the EK's certificate and chain as the TPM's NV
 * holds them, and an AK it created under that EK. Nothing in it is trusted until the {@link Verifier} has checked it.
 *
 * @param ek            the EK's public area, recreated in the endorsement hierarchy
 * @param ak            the AK's public area (the attester keeps its private part)
 * @param ekCertificate the contents of the NV index holding this EK's certificate, when the TPM has one
 * @param ekChain       the contents of the NV chain indices, in index order (often none)
 */
public record Enrollment(PublicArea ek, PublicArea ak, Optional<byte[]> ekCertificate, List<byte[]> ekChain) {

    private static final String MAGIC = "T4EN";
    /** The most bytes an enrollment can have: two public areas, a certificate and a full chain. */
    public static final int MAX_BYTES = 5 + 2 * (4 + AttestationKey.MAX_PUBLIC_BYTES)
            + (1 + 4 + EkCertificates.MAX_INDEX_BYTES) + 2 + EkValidator.MAX_CHAIN_CERTIFICATES
            * (4 + EkCertificates.MAX_INDEX_BYTES);

    public Enrollment {
        Objects.requireNonNull(ek, "ek");
        Objects.requireNonNull(ak, "ak");
        ekCertificate = ekCertificate.map(byte[]::clone);
        ekChain = ekChain.stream().map(byte[]::clone).toList();
    }

    @Override
    public Optional<byte[]> ekCertificate() {
        return ekCertificate.map(byte[]::clone);
    }

    @Override
    public List<byte[]> ekChain() {
        return ekChain.stream().map(byte[]::clone).toList();
    }

    /** This enrollment in tpm4j's wire format. */
    public byte[] toBytes() {
        return Wire.start(MAGIC).publicArea(ek).publicArea(ak).optional(ekCertificate).list(ekChain).toBytes();
    }

    /** An enrollment from {@link #toBytes()}'s format; anything else ends in an exception naming the offset. */
    public static Enrollment parse(byte[] message) throws MessageFormatException {
        Wire.In in = Wire.read(message, MAGIC, "an enrollment", MAX_BYTES);
        PublicArea ek = in.publicArea(AttestationKey.MAX_PUBLIC_BYTES, "the EK public area");
        PublicArea ak = in.publicArea(AttestationKey.MAX_PUBLIC_BYTES, "the AK public area");
        Optional<byte[]> certificate = in.optional(EkCertificates.MAX_INDEX_BYTES, "the EK certificate");
        List<byte[]> chain = in.list(EkValidator.MAX_CHAIN_CERTIFICATES, EkCertificates.MAX_INDEX_BYTES,
                "the EK chain");
        in.end();
        return new Enrollment(ek, ak, certificate, chain);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Enrollment e && Arrays.equals(toBytes(), e.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }

    @Override
    public String toString() {
        return "Enrollment[EK " + ek + ", AK " + ak + ", " + (ekCertificate.isPresent() ? "an EK certificate"
                : "no EK certificate") + ", " + ekChain.size() + " chain indices]";
    }
}
