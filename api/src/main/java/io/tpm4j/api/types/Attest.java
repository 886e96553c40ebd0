package io.tpm4j.api.types;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.wire.TpmReader;

import java.util.Arrays;
import java.util.List;

/**
 * TPMS_ATTEST: what the TPM signs in a quote or certification, with {@code bytes} kept exactly as signed so a
 * verifier checks the signature over them and then trusts the parsed fields.
 */
public record Attest(byte[] bytes, int type, byte[] qualifiedSigner, byte[] extraData, long clock, int resetCount,
                     int restartCount, boolean safe, long firmwareVersion, Attested attested) {

    /** TPM_GENERATED_VALUE: the magic that marks data the TPM itself produced. */
    public static final int TPM_GENERATED = 0xff544347;
    public static final int ST_ATTEST_CERTIFY = 0x8017;
    public static final int ST_ATTEST_QUOTE = 0x8018;

    public Attest {
        bytes = bytes.clone();
        qualifiedSigner = qualifiedSigner.clone();
        extraData = extraData.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public byte[] extraData() {
        return extraData.clone();
    }

    @Override
    public byte[] qualifiedSigner() {
        return qualifiedSigner.clone();
    }

    /** TPMU_ATTEST, keyed by the attestation type. */
    public sealed interface Attested {
    }

    /** TPMS_QUOTE_INFO: the PCRs quoted and the digest of their values. */
    public record Quote(List<PcrSelection> pcrSelect, byte[] pcrDigest) implements Attested {
        public Quote {
            pcrSelect = List.copyOf(pcrSelect);
            pcrDigest = pcrDigest.clone();
        }

        @Override
        public byte[] pcrDigest() {
            return pcrDigest.clone();
        }
    }

    /** TPMS_CERTIFY_INFO: the Name and qualified Name of the certified object. */
    public record Certify(byte[] name, byte[] qualifiedName) implements Attested {
        public Certify {
            name = name.clone();
            qualifiedName = qualifiedName.clone();
        }

        @Override
        public byte[] name() {
            return name.clone();
        }
    }

    /** A kind of attestation not decoded here; its bytes are in {@link Attest#bytes()}. */
    public record Other(int type) implements Attested {
    }

    /** Parses the contents of a TPM2B_ATTEST; refuses data without TPM_GENERATED_VALUE. */
    public static Attest parse(byte[] attest) {
        TpmReader in = new TpmReader(attest);
        int magic = in.u32("TPMS_ATTEST.magic");
        if (magic != TPM_GENERATED) {
            throw new TpmProtocolException(String.format("TPMS_ATTEST.magic is 0x%08x, not TPM_GENERATED_VALUE", magic), 0);
        }
        int type = in.u16("TPMS_ATTEST.type");
        byte[] signer = in.tpm2b(2 + 64, "TPMS_ATTEST.qualifiedSigner");
        byte[] extra = in.tpm2b(64, "TPMS_ATTEST.extraData");
        long clock = in.u64("TPMS_CLOCK_INFO.clock");
        int reset = in.u32("TPMS_CLOCK_INFO.resetCount");
        int restart = in.u32("TPMS_CLOCK_INFO.restartCount");
        boolean safe = in.bool("TPMS_CLOCK_INFO.safe");
        long firmware = in.u64("TPMS_ATTEST.firmwareVersion");
        Attested attested = switch (type) {
            case ST_ATTEST_QUOTE -> new Quote(PcrSelection.readList(in), in.tpm2b(64, "TPMS_QUOTE_INFO.pcrDigest"));
            case ST_ATTEST_CERTIFY -> new Certify(in.tpm2b(2 + 64, "TPMS_CERTIFY_INFO.name"),
                    in.tpm2b(2 + 64, "TPMS_CERTIFY_INFO.qualifiedName"));
            default -> new Other(type);
        };
        if (!(attested instanceof Other)) {
            in.expectEnd("TPMS_ATTEST");
        }
        return new Attest(attest, type, signer, extra, clock, reset, restart, safe, firmware, attested);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attest a && Arrays.equals(bytes, a.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}
