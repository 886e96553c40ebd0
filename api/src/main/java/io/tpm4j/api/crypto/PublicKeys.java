package io.tpm4j.api.crypto;

import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TpmAlg;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;

/** A TPM public area as a {@code java.security.PublicKey}, so JCA alone can verify what the TPM signed. */
public final class PublicKeys {

    /** RSA keys whose exponent field is 0 use the default exponent 2^16 + 1. */
    private static final BigInteger DEFAULT_EXPONENT = BigInteger.valueOf(65537);

    private PublicKeys() {
    }

    /** RSA, or ECC on NIST P-256, P-384 or P-521. */
    public static PublicKey toPublicKey(PublicArea area) {
        try {
            return switch (area.parameters()) {
                case PublicParameters.Rsa rsa -> {
                    BigInteger exponent = rsa.exponent() == 0 ? DEFAULT_EXPONENT
                            : BigInteger.valueOf(Integer.toUnsignedLong(rsa.exponent()));
                    BigInteger modulus = new BigInteger(1, ((PublicId.Rsa) area.unique()).modulus());
                    yield KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent));
                }
                case PublicParameters.Ecc ecc -> {
                    PublicId.Ecc point = (PublicId.Ecc) area.unique();
                    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
                    parameters.init(new ECGenParameterSpec(curveName(ecc.curveId())));
                    ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
                    ECPoint w = new ECPoint(new BigInteger(1, point.x()), new BigInteger(1, point.y()));
                    yield KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
                }
                default -> throw new IllegalArgumentException(area.type() + " objects have no public key");
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a valid public key: " + area, e);
        }
    }

    /**
     * A public area for a key made outside the TPM, to load with TPM2_LoadExternal: an ECDSA (P-256/384/521)
     * or RSASSA key for verifying signatures with {@code hashAlg}. fixedTPM and fixedParent stay clear, as
     * the TPM requires of external objects.
     */
    public static PublicArea toPublicArea(PublicKey key, TpmAlg hashAlg) {
        ObjectAttributes attributes = ObjectAttributes.of(ObjectAttributes.USER_WITH_AUTH, ObjectAttributes.SIGN_ENCRYPT);
        return switch (key) {
            case ECPublicKey ec -> {
                int bytes = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
                int curve = switch (bytes) {
                    case 32 -> 0x0003;
                    case 48 -> 0x0004;
                    case 66 -> 0x0005;
                    default -> throw new IllegalArgumentException("EC keys of " + bytes * 8 + " bits are not supported");
                };
                yield new PublicArea(TpmAlg.SHA256, attributes, new byte[0], new PublicParameters.Ecc(
                        SymmetricDefinition.NULL, Scheme.of(TpmAlg.ECDSA, hashAlg), curve, Scheme.NULL),
                        new PublicId.Ecc(unsigned(ec.getW().getAffineX(), bytes), unsigned(ec.getW().getAffineY(), bytes)));
            }
            case RSAPublicKey rsa -> {
                int bits = rsa.getModulus().bitLength();
                int exponent = rsa.getPublicExponent().intValueExact();
                yield new PublicArea(TpmAlg.SHA256, attributes, new byte[0], new PublicParameters.Rsa(
                        SymmetricDefinition.NULL, Scheme.of(TpmAlg.RSASSA, hashAlg), bits, exponent == 65537 ? 0 : exponent),
                        new PublicId.Rsa(unsigned(rsa.getModulus(), (bits + 7) / 8)));
            }
            default -> throw new IllegalArgumentException(key.getAlgorithm() + " keys are not supported");
        };
    }

    /** A big-endian unsigned integer in exactly {@code length} bytes. */
    static byte[] unsigned(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return out;
    }

    /** The JCA name of a TPM_ECC_CURVE. */
    static String curveName(int curveId) {
        return switch (curveId) {
            case 0x0003 -> "secp256r1";
            case 0x0004 -> "secp384r1";
            case 0x0005 -> "secp521r1";
            default -> throw new IllegalArgumentException(String.format("TPM_ECC_CURVE 0x%04x is not supported", curveId));
        };
    }
}
