package io.tpm4j.attest.quote;

import io.tpm4j.api.types.Attest;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.wire.BigEndian;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

/** Attestation keys to make on swtpm, and the tamperings a verifier must notice. */
final class Attestations {

    static final byte[] NONCE = "the verifier's fresh nonce".getBytes(StandardCharsets.US_ASCII);

    private Attestations() {
    }

    /** Restricted signing keys of each scheme a verifier checks: ECDSA P-256, RSASSA and RSAPSS 2048 (SHA-256). */
    static Stream<PublicArea> akTemplates() {
        return Stream.of(Templates.eccAttestationKey(), rsaAk(TpmAlg.RSASSA), rsaAk(TpmAlg.RSAPSS));
    }

    static PublicArea rsaAk(TpmAlg scheme) {
        return new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.FIXED_TPM,
                ObjectAttributes.FIXED_PARENT, ObjectAttributes.SENSITIVE_DATA_ORIGIN, ObjectAttributes.USER_WITH_AUTH,
                ObjectAttributes.RESTRICTED, ObjectAttributes.SIGN_ENCRYPT), new byte[0],
                new PublicParameters.Rsa(SymmetricDefinition.NULL, Scheme.of(scheme, TpmAlg.SHA256), 2048, 0),
                new PublicId.Rsa(new byte[0]));
    }

    /** The attestation with its bytes changed by {@code change}, the signature kept. */
    static SignedAttestation withAttest(SignedAttestation signed, java.util.function.Consumer<byte[]> change) {
        byte[] bytes = signed.attest();
        change.accept(bytes);
        return new SignedAttestation(bytes, signed.signature());
    }

    static SignedAttestation withMagic(SignedAttestation signed, int magic) {
        return withAttest(signed, b -> BigEndian.putU32(b, 0, magic));
    }

    static SignedAttestation withType(SignedAttestation signed, int type) {
        return withAttest(signed, b -> {
            b[4] = (byte) (type >>> 8);
            b[5] = (byte) type;
        });
    }

    /** The first byte of TPMS_ATTEST.extraData flipped: after magic, type and the qualifiedSigner TPM2B. */
    static SignedAttestation withExtraDataFlipped(SignedAttestation signed) {
        return withAttest(signed, b -> b[6 + 2 + BigEndian.u16(b, 6) + 2] ^= 1);
    }

    /** One bit of the signature flipped. */
    static SignedAttestation withSignatureFlipped(SignedAttestation signed) {
        Signature flipped = switch (signed.signature()) {
            case Signature.Rsa rsa -> new Signature.Rsa(rsa.sigAlg(), rsa.hashAlg(), flip(rsa.signature()));
            case Signature.Ecc ecc -> new Signature.Ecc(ecc.sigAlg(), ecc.hashAlg(), ecc.r(), flip(ecc.s()));
            default -> throw new IllegalArgumentException("no signature to flip: " + signed.signature());
        };
        return new SignedAttestation(signed.attest(), flipped);
    }

    private static byte[] flip(byte[] value) {
        value[value.length / 2] ^= 0x10;
        return value;
    }

    static final int QUOTE = Attest.ST_ATTEST_QUOTE;
    static final int CERTIFY = Attest.ST_ATTEST_CERTIFY;
}
