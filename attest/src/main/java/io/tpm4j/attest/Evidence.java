package io.tpm4j.attest;

import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.attest.quote.AttestationFormatException;
import io.tpm4j.attest.quote.SignedAttestation;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The attester's answer to a {@link Challenge} ({@link Attester#respond}): the secret its TPM recovered from the
 * credential, a quote of its PCRs with the challenge's nonce by the enrolled AK, the values it read from those PCRs,
 * and its measurement logs. Nothing in it is trusted until {@link Pending#finish} has checked it.
 *
 * @param activatedSecret what TPM2_ActivateCredential returned
 * @param quote           the TPMS_ATTEST as signed and its signature
 * @param pcrs            the quoted PCRs' values as the attester read them (the quote proves them, or not)
 * @param firmwareLog     the firmware event log, when the attester has one
 * @param imaLog          the IMA measurement list (binary or ASCII), when the attester has one
 */
public record Evidence(byte[] activatedSecret, SignedAttestation quote, PcrValues pcrs, Optional<byte[]> firmwareLog,
                       Optional<byte[]> imaLog) {

    private static final String MAGIC = "T4EV";
    public static final int MAX_SECRET_BYTES = 64;
    /** The most PCR values: every PCR of four banks, with room. */
    public static final int MAX_PCR_VALUES = 128;
    public static final int MAX_FIRMWARE_LOG_BYTES = 16 << 20;
    public static final int MAX_IMA_LOG_BYTES = 128 << 20;
    public static final int MAX_BYTES = 5 + 4 + MAX_SECRET_BYTES + 4 + SignedAttestation.MAX_ATTEST_BYTES + 4
            + SignedAttestation.MAX_SIGNATURE_BYTES + 2 + MAX_PCR_VALUES * (3 + 4 + 64) + 2 * 5
            + MAX_FIRMWARE_LOG_BYTES + MAX_IMA_LOG_BYTES;

    public Evidence {
        activatedSecret = activatedSecret.clone();
        Objects.requireNonNull(quote, "quote");
        Objects.requireNonNull(pcrs, "pcrs");
        firmwareLog = firmwareLog.map(byte[]::clone);
        imaLog = imaLog.map(byte[]::clone);
    }

    @Override
    public byte[] activatedSecret() {
        return activatedSecret.clone();
    }

    @Override
    public Optional<byte[]> firmwareLog() {
        return firmwareLog.map(byte[]::clone);
    }

    @Override
    public Optional<byte[]> imaLog() {
        return imaLog.map(byte[]::clone);
    }

    public byte[] toBytes() {
        TpmWriter signature = new TpmWriter();
        quote.signature().write(signature);
        return Wire.start(MAGIC).bytes(activatedSecret).bytes(quote.attest()).bytes(signature.toByteArray())
                .pcrValues(pcrs).optional(firmwareLog).optional(imaLog).toBytes();
    }

    public static Evidence parse(byte[] message) throws MessageFormatException {
        Wire.In in = Wire.read(message, MAGIC, "evidence", MAX_BYTES);
        byte[] secret = in.bytes(MAX_SECRET_BYTES, "the activated secret");
        byte[] attest = in.bytes(SignedAttestation.MAX_ATTEST_BYTES, "the quote");
        byte[] signature = in.bytes(SignedAttestation.MAX_SIGNATURE_BYTES, "the quote's signature");
        int signatureAt = in.position() - signature.length;
        SignedAttestation quote;
        try {
            quote = SignedAttestation.parse(attest, signature);
        } catch (AttestationFormatException e) {
            throw new MessageFormatException("evidence: " + e.getMessage(), signatureAt + Math.max(0, e.offset()));
        }
        PcrValues pcrs = in.pcrValues(MAX_PCR_VALUES, "the PCR values");
        Optional<byte[]> firmware = in.optional(MAX_FIRMWARE_LOG_BYTES, "the firmware log");
        Optional<byte[]> ima = in.optional(MAX_IMA_LOG_BYTES, "the IMA log");
        in.end();
        return new Evidence(secret, quote, pcrs, firmware, ima);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Evidence e && Arrays.equals(toBytes(), e.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }

    @Override
    public String toString() {
        return "Evidence[" + quote + ", " + pcrs.banks() + ", firmware log " + firmwareLog.map(l -> l.length
                + " bytes").orElse("none") + ", IMA log " + imaLog.map(l -> l.length + " bytes").orElse("none") + "]";
    }
}
