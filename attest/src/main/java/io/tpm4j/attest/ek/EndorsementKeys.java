package io.tpm4j.attest.ek;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The attester's side: the EK certificates and chain a TPM's manufacturer stored in NV (TCG EK Credential Profile),
 * and the EKs they certify, recreated in the endorsement hierarchy. What comes out of NV is returned as bytes for
 * {@link EkValidator} to judge: this class checks only sizes.
 */
public final class EndorsementKeys {

    private static final Logger log = LoggerFactory.getLogger(EndorsementKeys.class);

    /** An EK certificate index's contents (the DER certificate, perhaps padded), not yet validated. */
    public record StoredCertificate(EkSlot slot, byte[] contents) {

        public StoredCertificate {
            Objects.requireNonNull(slot, "slot");
            contents = contents.clone();
        }

        @Override
        public byte[] contents() {
            return contents.clone();
        }
    }

    private final Tpm tpm;

    private EndorsementKeys(Tpm tpm) {
        this.tpm = tpm;
    }

    public static EndorsementKeys of(Tpm tpm) {
        return new EndorsementKeys(Objects.requireNonNull(tpm, "tpm"));
    }

    /** Every profile slot whose certificate index is defined, in the profile's order, with its contents. */
    public List<StoredCertificate> certificates() throws EkCertificateException {
        Set<Integer> defined = definedIndices();
        List<StoredCertificate> out = new ArrayList<>();
        for (EkSlot slot : EkSlot.values()) {
            if (defined.contains(slot.certificateIndex())) {
                out.add(new StoredCertificate(slot, read(slot.certificateIndex())));
            }
        }
        log.debug("EK certificates in NV: {}", out.stream().map(StoredCertificate::slot).toList());
        return out;
    }

    /** The contents of the chain indices (0x01C00100 to 0x01C001FF) that are defined, in index order. */
    public List<byte[]> chain() throws EkCertificateException {
        List<byte[]> out = new ArrayList<>();
        for (int index : definedIndices()) {
            if (index >= EkSlot.CHAIN_FIRST && index <= EkSlot.CHAIN_LAST) {
                if (out.size() == EkValidator.MAX_CHAIN_CERTIFICATES) {
                    throw new EkCertificateException("more than " + EkValidator.MAX_CHAIN_CERTIFICATES
                            + " EK chain indices are defined");
                }
                out.add(read(index));
            }
        }
        return out;
    }

    /**
     * The template of {@code slot}'s EK: the profile's, or in the low range the manufacturer's template index when
     * defined, with the nonce index's contents in the unique field when defined (the profile's rule: the nonce, then
     * zeros to the RSA modulus's 256 bytes or ECC x's 32 bytes, y all zeros).
     */
    public PublicArea template(EkSlot slot) throws EkCertificateException {
        Set<Integer> defined = definedIndices();
        PublicArea template;
        if (slot.templateIndex().isPresent() && defined.contains(slot.templateIndex().getAsInt())) {
            template = storedTemplate(slot.templateIndex().getAsInt());
        } else {
            template = slot.defaultTemplate().orElseThrow(() -> new EkCertificateException(
                    "tpm4j has no EK template for " + slot));
        }
        if (slot.nonceIndex().isPresent() && defined.contains(slot.nonceIndex().getAsInt())) {
            template = withNonce(template, read(slot.nonceIndex().getAsInt()), slot);
        }
        return template;
    }

    /** Creates {@code slot}'s EK in the endorsement hierarchy (empty endorsement password); close it to flush it. */
    public TpmObject create(EkSlot slot) throws EkCertificateException {
        return tpm.createPrimary(TpmRh.ENDORSEMENT, template(slot));
    }

    /** The public area of {@code slot}'s EK, created and flushed again. */
    public PublicArea recreate(EkSlot slot) throws EkCertificateException {
        try (TpmObject ek = create(slot)) {
            return ek.publicArea();
        }
    }

    private Set<Integer> definedIndices() {
        return new TreeSet<>(tpm.handles(TpmHt.NV_INDEX));
    }

    /** An index's whole contents, authorised by the index itself (the profile's indices are TPMA_NV_AUTHREAD). */
    private byte[] read(int index) throws EkCertificateException {
        NvPublic nv = tpm.nvReadPublic(index).nvPublic();
        if (nv.dataSize() > EkCertificates.MAX_INDEX_BYTES) {
            throw new EkCertificateException(String.format("NV index 0x%08x holds %d bytes, more than the %d an EK"
                    + " certificate index may", index, nv.dataSize(), EkCertificates.MAX_INDEX_BYTES));
        }
        return tpm.nvRead(index, Authorization.emptyPassword());
    }

    private PublicArea storedTemplate(int index) throws EkCertificateException {
        byte[] bytes = read(index);
        try {
            TpmReader in = new TpmReader(bytes);
            PublicArea template = PublicArea.read(in);
            if (in.position() != bytes.length) {
                throw new EkCertificateException(String.format("EK template index 0x%08x has %d bytes after its"
                        + " TPMT_PUBLIC", index, bytes.length - in.position()));
            }
            return template;
        } catch (TpmProtocolException e) {
            throw new EkCertificateException(String.format("EK template index 0x%08x is not a TPMT_PUBLIC: %s",
                    index, e.getMessage()), e);
        }
    }

    private static PublicArea withNonce(PublicArea template, byte[] nonce, EkSlot slot) throws EkCertificateException {
        PublicId unique = switch (template.parameters()) {
            case PublicParameters.Rsa rsa -> new PublicId.Rsa(padded(nonce, rsa.keyBits() / 8, slot));
            case PublicParameters.Ecc ecc -> {
                int size = ((PublicId.Ecc) template.unique()).x().length;
                yield new PublicId.Ecc(padded(nonce, size, slot), new byte[size]);
            }
            default -> throw new EkCertificateException("the EK template for " + slot + " is " + template.type()
                    + ", not RSA or ECC");
        };
        return new PublicArea(template.nameAlg(), template.attributes(), template.authPolicy(), template.parameters(),
                unique);
    }

    private static byte[] padded(byte[] nonce, int size, EkSlot slot) throws EkCertificateException {
        if (nonce.length > size) {
            throw new EkCertificateException("the EK nonce for " + slot + " (" + HexFormat.of().formatHex(nonce)
                    + ") is longer than the " + size + " bytes of the unique field");
        }
        return Arrays.copyOf(nonce, size);
    }
}
