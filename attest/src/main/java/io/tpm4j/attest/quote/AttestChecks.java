package io.tpm4j.attest.quote;

import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.types.Attest;
import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmSt;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The checks every attestation gets, whatever its type: the key, the signature over the bytes as sent, magic,
 * type and nonce; then the type's own checks add their failures; then the clock is compared with a previous one.
 */
final class AttestChecks {

    /** What an AK must be: a signing key that signs only TPM-made data (restricted) and never leaves its TPM. */
    private static final int AK_ATTRIBUTES = ObjectAttributes.RESTRICTED | ObjectAttributes.SIGN_ENCRYPT
            | ObjectAttributes.FIXED_TPM;

    private final Attest attest;
    private final List<Failure> failures = new ArrayList<>();

    private AttestChecks(Attest attest) {
        this.attest = attest;
    }

    /** Reads the attestation as {@code expectedType} and makes the checks common to all types. */
    static AttestChecks begin(SignedAttestation signed, AttestationKey key, TpmSt expectedType, byte[] nonce)
            throws AttestationFormatException {
        AttestChecks checks = new AttestChecks(signed.read(expectedType.value()));
        checks.key(key);
        checks.signature(signed, key);
        int magic = signed.magic();
        if (magic != Attest.TPM_GENERATED) {
            checks.fail(Check.MAGIC, String.format("TPMS_ATTEST.magic is 0x%08x, not TPM_GENERATED_VALUE 0x%08x: "
                    + "the TPM did not make these bytes", magic, Attest.TPM_GENERATED));
        }
        if (signed.type() != expectedType.value()) {
            checks.fail(Check.TYPE, String.format("TPMS_ATTEST.type is %s, not TPM_ST_%s", typeName(signed.type()),
                    expectedType));
        }
        if (!MessageDigest.isEqual(checks.attest.extraData(), nonce)) {
            checks.fail(Check.NONCE, "TPMS_ATTEST.extraData " + hex(checks.attest.extraData())
                    + " is not the verifier's nonce " + hex(nonce) + ": an old or someone else's attestation");
        }
        return checks;
    }

    Attest attest() {
        return attest;
    }

    void fail(Check check, String reason) {
        failures.add(new Failure(check, reason));
    }

    /** The verdict, with what changed since {@code previous} when given. */
    Verification end(Optional<ClockInfo> previous) {
        return new Verification(attest, failures, previous.map(p -> ClockChanges.between(p, ClockInfo.of(attest)))
                .orElseGet(() -> ClockChanges.current(ClockInfo.of(attest))));
    }

    /** The hash of the signature's scheme (what the TPM digests PCRs with in a quote), when Java has it. */
    static Optional<TpmAlg> signatureHash(Signature signature) {
        return TpmAlg.of(hashOf(signature)).filter(AttestChecks::javaHasDigest);
    }

    private static int hashOf(Signature signature) {
        return switch (signature) {
            case Signature.Rsa rsa -> rsa.hashAlg();
            case Signature.Ecc ecc -> ecc.hashAlg();
            default -> TpmAlg.NULL.value();
        };
    }

    private static boolean javaHasDigest(TpmAlg alg) {
        try {
            Names.digest(alg);
            return true;
        } catch (IllegalArgumentException | IllegalStateException e) {
            return false;
        }
    }

    static String hex(byte[] bytes) {
        return bytes.length == 0 ? "(empty)" : HexFormat.of().formatHex(bytes);
    }

    private void key(AttestationKey key) {
        key.publicArea().ifPresent(area -> {
            if (!area.attributes().has(AK_ATTRIBUTES)) {
                fail(Check.KEY, "the key is not a restricted signing key fixed to its TPM (" + area.attributes()
                        + "): it can sign a forged TPMS_ATTEST, or sign outside this TPM, so its signature proves "
                        + "nothing about the TPM");
            }
        });
    }

    private void signature(SignedAttestation signed, AttestationKey key) {
        Signature signature = signed.signature();
        Optional<Scheme> keyScheme = key.publicArea().map(AttestChecks::scheme).filter(s -> !s.isNull());
        int hash = hashOf(signature);
        if (keyScheme.isPresent() && (keyScheme.get().scheme() != signature.sigAlg() || keyScheme.get().hashAlg() != hash)) {
            fail(Check.SIGNATURE, "the signature is " + schemeName(signature.sigAlg(), hash)
                    + " but the key signs with " + schemeName(keyScheme.get().scheme(), keyScheme.get().hashAlg()));
            return;
        }
        if (!(signature instanceof Signature.Rsa) && !(signature instanceof Signature.Ecc ecc
                && ecc.sigAlg() == TpmAlg.ECDSA.value())) {
            fail(Check.SIGNATURE, "the signature is " + TpmAlg.describe(signature.sigAlg())
                    + ", not RSASSA, RSAPSS or ECDSA, which are what an attestation key's signature is checked for");
            return;
        }
        try {
            if (!Signatures.verify(key.publicKey(), signature, signed.attest())) {
                fail(Check.SIGNATURE, "the " + schemeName(signature.sigAlg(), hash) + " signature over the "
                        + "TPMS_ATTEST bytes does not verify with the attestation key");
            }
        } catch (IllegalArgumentException e) {
            fail(Check.SIGNATURE, "the " + schemeName(signature.sigAlg(), hash) + " signature cannot be checked with "
                    + "the attestation key: " + e.getMessage());
        }
    }

    private static Scheme scheme(PublicArea area) {
        return switch (area.parameters()) {
            case PublicParameters.Rsa rsa -> rsa.scheme();
            case PublicParameters.Ecc ecc -> ecc.scheme();
            case PublicParameters.KeyedHash keyed -> keyed.scheme();
            case PublicParameters.SymCipher cipher -> Scheme.NULL;
        };
    }

    private static String schemeName(int scheme, int hash) {
        return TpmAlg.describe(scheme) + "-" + TpmAlg.describe(hash);
    }

    private static String typeName(int type) {
        return TpmSt.of(type).map(t -> "TPM_ST_" + t).orElse(String.format("0x%04x", type));
    }
}
