package io.tpm4j.attest.quote;

import io.tpm4j.api.types.Attest;
import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmSt;
import io.tpm4j.attest.PcrValues;
import io.tpm4j.attest.eventlog.PcrReplay;

import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Checks a TPM2_Quote without a TPM. Besides what {@link Check} lists for every attestation (key, signature, magic,
 * type, nonce), the quote must select exactly the PCRs the verifier has values for, in every bank, and its pcrDigest
 * must be the digest, with the hash of the signature's scheme, of those values concatenated in the quote's
 * selection order (each selection in turn, its PCRs in ascending order).
 *
 * <p>What a passing quote proves: a TPM holding the attestation key saw these PCR values after the verifier made its
 * nonce. That the key is in the TPM the verifier thinks of is for the EK and credential checks to prove.
 */
public final class QuoteVerifier {

    private QuoteVerifier() {
    }

    /** Verifies a quote against the verifier's nonce and the PCR values it expects (e.g. a log's replay). */
    public static Verification verify(SignedAttestation quote, AttestationKey ak, byte[] nonce, PcrValues expected)
            throws AttestationFormatException {
        return verify(quote, ak, nonce, expected, Optional.empty());
    }

    /**
     * {@link #verify(SignedAttestation, AttestationKey, byte[], PcrValues)}, and the quote's clock compared with a
     * previous attestation's from the same TPM: reboots, resumes and a clock going back are reported as findings.
     */
    public static Verification verify(SignedAttestation quote, AttestationKey ak, byte[] nonce, PcrValues expected,
                                      ClockInfo previous) throws AttestationFormatException {
        return verify(quote, ak, nonce, expected, Optional.of(previous));
    }

    private static Verification verify(SignedAttestation quote, AttestationKey ak, byte[] nonce, PcrValues expected,
                                       Optional<ClockInfo> previous) throws AttestationFormatException {
        AttestChecks checks = AttestChecks.begin(quote, ak, TpmSt.ATTEST_QUOTE, nonce);
        Attest.Quote info = (Attest.Quote) checks.attest().attested();
        boolean complete = selection(info.pcrSelect(), expected, checks);
        Optional<TpmAlg> hash = AttestChecks.signatureHash(quote.signature());
        if (hash.isEmpty()) {
            checks.fail(Check.PCR_DIGEST, "the signature names no hash Java has to digest the PCR values with");
        } else if (complete) {
            byte[] digest = pcrDigest(info.pcrSelect(), expected, hash.get());
            if (!MessageDigest.isEqual(digest, info.pcrDigest())) {
                checks.fail(Check.PCR_DIGEST, "TPMS_QUOTE_INFO.pcrDigest " + AttestChecks.hex(info.pcrDigest())
                        + " is not the " + TpmAlg.describe(hash.get().value()) + " digest "
                        + AttestChecks.hex(digest) + " of the expected values of " + info.pcrSelect()
                        + ": at least one PCR holds another value");
            }
        }
        return checks.end(previous);
    }

    /**
     * The expected values of {@code indexes} in {@code bank} from measurement logs' replays (the firmware log's for
     * PCRs 0-7, IMA's for PCR 10...): each PCR's value from the first replay that extends it, all zeros for a PCR no
     * log extends (its value since the TPM's reset). A PCR a log extends but not in this bank gets no value, so a
     * quote of it fails.
     */
    public static PcrValues expected(TpmAlg bank, Set<Integer> indexes, List<? extends PcrReplay<?>> replays) {
        int size = bank.digestSize().orElseThrow(() -> new IllegalArgumentException(bank + " is not a hash"));
        SortedMap<Integer, byte[]> values = new TreeMap<>();
        for (int index : indexes) {
            Optional<byte[]> value = Optional.empty();
            boolean extended = false;
            for (PcrReplay<?> replay : replays) {
                value = replay.values().get(bank, index);
                extended |= replay.events().containsKey(index);
                if (value.isPresent()) {
                    break;
                }
            }
            if (value.isPresent()) {
                values.put(index, value.get());
            } else if (!extended) {
                values.put(index, new byte[size]);
            }
        }
        return PcrValues.of(Map.of(bank, values));
    }

    /** Whether the quote selects exactly the expected PCRs; a failure for each PCR one has and the other lacks. */
    private static boolean selection(List<PcrSelection> selections, PcrValues expected, AttestChecks checks) {
        boolean complete = true;
        for (PcrSelection selection : selections) {
            Optional<TpmAlg> bank = TpmAlg.of(selection.hashAlg()).filter(a -> a.digestSize().isPresent());
            for (int index : selection.indices()) {
                if (bank.isEmpty() || expected.get(bank.get(), index).isEmpty()) {
                    checks.fail(Check.PCR_SELECTION, "the quote selects " + TpmAlg.describe(selection.hashAlg())
                            + " PCR " + index + ", for which the verifier has no expected value");
                    complete = false;
                }
            }
        }
        for (TpmAlg bank : expected.banks()) {
            for (int index : expected.indexes(bank)) {
                boolean selected = selections.stream().anyMatch(s -> s.hashAlg() == bank.value()
                        && s.pcrs().get(index));
                if (!selected) {
                    checks.fail(Check.PCR_SELECTION, "the quote does not select " + TpmAlg.describe(bank.value())
                            + " PCR " + index + ", which the verifier expects");
                }
            }
        }
        return complete;
    }

    /** The digest of the expected values of the selected PCRs, in selection order, as TPM2_Quote computes it. */
    private static byte[] pcrDigest(List<PcrSelection> selections, PcrValues expected, TpmAlg hash) {
        MessageDigest digest = Names.digest(hash);
        for (PcrSelection selection : selections) {
            TpmAlg bank = TpmAlg.of(selection.hashAlg()).orElseThrow();
            for (int index : selection.indices()) {
                digest.update(expected.get(bank, index).orElseThrow());
            }
        }
        return digest.digest();
    }
}
