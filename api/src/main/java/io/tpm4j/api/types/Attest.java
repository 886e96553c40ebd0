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
    /** TPM_ST_ATTEST_* (as in {@link TpmSt}): the attestation types, the selector of {@link Attested}; constants for switches. */
    public static final int ST_ATTEST_NV = 0x8014;
    public static final int ST_ATTEST_COMMAND_AUDIT = 0x8015;
    public static final int ST_ATTEST_SESSION_AUDIT = 0x8016;
    public static final int ST_ATTEST_CERTIFY = 0x8017;
    public static final int ST_ATTEST_QUOTE = 0x8018;
    public static final int ST_ATTEST_TIME = 0x8019;
    public static final int ST_ATTEST_CREATION = 0x801A;
    public static final int ST_ATTEST_NV_DIGEST = 0x801C;
    private static final int NAME = 2 + 64;

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

    /** TPMS_COMMAND_AUDIT_INFO (TPM2_GetCommandAuditDigest). */
    public record CommandAudit(long auditCounter, int digestAlg, byte[] auditDigest, byte[] commandDigest)
            implements Attested {
        public CommandAudit {
            auditDigest = auditDigest.clone();
            commandDigest = commandDigest.clone();
        }
    }

    /** TPMS_SESSION_AUDIT_INFO (TPM2_GetSessionAuditDigest). */
    public record SessionAudit(boolean exclusiveSession, byte[] sessionDigest) implements Attested {
        public SessionAudit {
            sessionDigest = sessionDigest.clone();
        }

        @Override
        public byte[] sessionDigest() {
            return sessionDigest.clone();
        }
    }

    /** TPMS_TIME_ATTEST_INFO (TPM2_GetTime): the TPM's time, its clock (repeated in the header) and firmware. */
    public record Time(long time, long clock, int resetCount, int restartCount, boolean safe, long firmwareVersion)
            implements Attested {
    }

    /** TPMS_CREATION_INFO (TPM2_CertifyCreation). */
    public record Creation(byte[] objectName, byte[] creationHash) implements Attested {
        public Creation {
            objectName = objectName.clone();
            creationHash = creationHash.clone();
        }
    }

    /** TPMS_NV_CERTIFY_INFO (TPM2_NV_Certify): the index, and the certified part of its contents. */
    public record Nv(byte[] indexName, int offset, byte[] nvContents) implements Attested {
        public Nv {
            indexName = indexName.clone();
            nvContents = nvContents.clone();
        }

        @Override
        public byte[] nvContents() {
            return nvContents.clone();
        }
    }

    /** TPMS_NV_DIGEST_CERTIFY_INFO (TPM2_NV_Certify of the whole index, size 0): a digest of its contents. */
    public record NvDigest(byte[] indexName, byte[] nvDigest) implements Attested {
        public NvDigest {
            indexName = indexName.clone();
            nvDigest = nvDigest.clone();
        }
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
            case ST_ATTEST_CERTIFY -> new Certify(in.tpm2b(NAME, "TPMS_CERTIFY_INFO.name"),
                    in.tpm2b(NAME, "TPMS_CERTIFY_INFO.qualifiedName"));
            case ST_ATTEST_COMMAND_AUDIT -> new CommandAudit(in.u64("TPMS_COMMAND_AUDIT_INFO.auditCounter"),
                    in.u16("TPMS_COMMAND_AUDIT_INFO.digestAlg"), in.tpm2b(64, "TPMS_COMMAND_AUDIT_INFO.auditDigest"),
                    in.tpm2b(64, "TPMS_COMMAND_AUDIT_INFO.commandDigest"));
            case ST_ATTEST_SESSION_AUDIT -> new SessionAudit(in.bool("TPMS_SESSION_AUDIT_INFO.exclusiveSession"),
                    in.tpm2b(64, "TPMS_SESSION_AUDIT_INFO.sessionDigest"));
            case ST_ATTEST_TIME -> new Time(in.u64("TPMS_TIME_INFO.time"), in.u64("TPMS_TIME_INFO.clock"),
                    in.u32("TPMS_TIME_INFO.resetCount"), in.u32("TPMS_TIME_INFO.restartCount"),
                    in.bool("TPMS_TIME_INFO.safe"), in.u64("TPMS_TIME_ATTEST_INFO.firmwareVersion"));
            case ST_ATTEST_CREATION -> new Creation(in.tpm2b(NAME, "TPMS_CREATION_INFO.objectName"),
                    in.tpm2b(64, "TPMS_CREATION_INFO.creationHash"));
            case ST_ATTEST_NV -> new Nv(in.tpm2b(NAME, "TPMS_NV_CERTIFY_INFO.indexName"),
                    in.u16("TPMS_NV_CERTIFY_INFO.offset"), in.tpm2b(in.remaining(), "TPMS_NV_CERTIFY_INFO.nvContents"));
            case ST_ATTEST_NV_DIGEST -> new NvDigest(in.tpm2b(NAME, "TPMS_NV_DIGEST_CERTIFY_INFO.indexName"),
                    in.tpm2b(64, "TPMS_NV_DIGEST_CERTIFY_INFO.nvDigest"));
            default -> throw new TpmProtocolException(String.format("TPMS_ATTEST.type 0x%04x is no TPM_ST_ATTEST_*", type), 4);
        };
        in.expectEnd("TPMS_ATTEST");
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
