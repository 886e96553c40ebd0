package io.tpm4j.testhw;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmException;
import io.tpm4j.api.types.AlgorithmProperty;
import io.tpm4j.api.types.CapabilityData;
import io.tpm4j.api.types.CommandAttributes;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCap;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmPt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The checks of {@code ./tpm4j check}: identify the TPM, list what it offers, and run a short series of real
 * operations, each timed. Read-only apart from TPM2_Startup on a TPM that has not been started.
 */
public final class TpmCheck {

    /** What the check found. */
    public record Report(TpmIdentity identity, List<String> algorithms, List<String> curves, List<String> pcrBanks,
                         Map<String, String> limits, int commandCount, List<CheckResult> checks) {

        public boolean passed() {
            return checks.stream().allMatch(CheckResult::passed);
        }
    }

    private final Tpm tpm;
    private final List<CheckResult> checks = new ArrayList<>();

    private TpmCheck(Tpm tpm) {
        this.tpm = tpm;
    }

    /** Runs every check on {@code tpm}. A check that fails is recorded, not thrown. */
    public static Report run(Tpm tpm) {
        return new TpmCheck(tpm).run();
    }

    private Report run() {
        Boolean started = timed("TPM2_Startup(CLEAR) unless already started", tpm::startupIfNeeded,
                s -> s ? "started it" : "already started");
        Map<Integer, Integer> properties = timed("TPM2_GetCapability: fixed and variable properties",
                tpm::allProperties, p -> p.size() + " properties");
        List<AlgorithmProperty> algorithms = timed("TPM2_GetCapability: algorithms", tpm::algorithms,
                a -> a.size() + " algorithms");
        List<Integer> curves = timed("TPM2_GetCapability: ECC curves",
                () -> ((CapabilityData.EccCurves) tpm.getCapability(TpmCap.ECC_CURVES, 0, 64).data()).curves(),
                c -> c.size() + " curves");
        List<PcrSelection> banks = timed("TPM2_GetCapability: PCR banks", tpm::pcrBanks, b -> b.size() + " banks");
        List<CommandAttributes> commands = timed("TPM2_GetCapability: commands", tpm::commands,
                c -> c.size() + " commands");
        timed("TPM2_GetCapability: loaded transient objects", () -> tpm.handles(TpmHt.TRANSIENT),
                h -> h.size() + " loaded");

        byte[] first = timed("TPM2_GetRandom(32)", () -> tpm.getRandom(32), r -> r.length + " bytes");
        byte[] second = timed("TPM2_GetRandom(32) again", () -> tpm.getRandom(32), r -> r.length + " bytes");
        verify("random bytes have the requested length and differ between calls",
                first != null && second != null && first.length == 32 && second.length == 32
                        && !Arrays.equals(first, second), "");
        timed("random bytes, 1 KiB in several calls", () -> tpm.getRandom(1024), r -> r.length + " bytes");

        if (banks != null) {
            for (PcrSelection bank : banks) {
                TpmAlg.of(bank.hashAlg()).ifPresent(alg -> checkPcrBank(alg, bank));
            }
        }
        if (properties != null) {
            verify("properties name a manufacturer and the TPM 2.0 family",
                    properties.getOrDefault(TpmPt.MANUFACTURER.value(), 0) != 0
                            && TpmIdentity.ascii(properties.getOrDefault(TpmPt.FAMILY_INDICATOR.value(), 0)).equals("2.0"),
                    "");
        }
        if (commands != null && properties != null) {
            int total = properties.getOrDefault(TpmPt.TOTAL_COMMANDS.value(), -1);
            verify("command list matches TPM_PT_TOTAL_COMMANDS", commands.size() == total,
                    commands.size() + " listed, property says " + total);
        }
        return new Report(properties == null ? null : TpmIdentity.of(properties),
                algorithms == null ? List.of() : algorithms.stream().map(a -> TpmAlg.describe(a.alg())).toList(),
                curves == null ? List.of() : curves.stream().map(TpmCheck::curveName).toList(),
                banks == null ? List.of() : banks.stream().filter(b -> !b.indices().isEmpty()).map(PcrSelection::toString).toList(),
                properties == null ? Map.of() : limits(properties), commands == null ? 0 : commands.size(),
                List.copyOf(checks));
    }

    private void checkPcrBank(TpmAlg alg, PcrSelection bank) {
        List<Integer> pcrs = bank.indices();
        if (pcrs.isEmpty()) {
            return;
        }
        int[] wanted = pcrs.stream().mapToInt(Integer::intValue).toArray();
        Map<Integer, byte[]> values = timed("TPM2_PCR_Read " + TpmAlg.describe(alg.value()) + " (" + pcrs.size() + " PCRs)",
                () -> tpm.pcrValues(alg, wanted), v -> v.size() + " values");
        if (values != null) {
            int size = alg.digestSize().orElse(-1);
            verify(TpmAlg.describe(alg.value()) + " PCR values are " + size + "-byte digests for every allocated PCR",
                    values.size() == pcrs.size() && values.values().stream().allMatch(v -> v.length == size), "");
        }
    }

    /** TPM_ECC_CURVE names from the TCG algorithm registry. */
    private static final Map<Integer, String> CURVES = Map.ofEntries(Map.entry(0x0001, "nist_p192"),
            Map.entry(0x0002, "nist_p224"), Map.entry(0x0003, "nist_p256"), Map.entry(0x0004, "nist_p384"),
            Map.entry(0x0005, "nist_p521"), Map.entry(0x0010, "bn_p256"), Map.entry(0x0011, "bn_p638"),
            Map.entry(0x0020, "sm2_p256"), Map.entry(0x0030, "bp_p256_r1"), Map.entry(0x0031, "bp_p384_r1"),
            Map.entry(0x0032, "bp_p512_r1"), Map.entry(0x0040, "curve_25519"), Map.entry(0x0041, "curve_448"));

    private static String curveName(int curve) {
        return CURVES.getOrDefault(curve, String.format("0x%04x", curve));
    }

    private static Map<String, String> limits(Map<Integer, Integer> p) {
        Map<String, String> out = new LinkedHashMap<>();
        for (TpmPt pt : List.of(TpmPt.INPUT_BUFFER, TpmPt.MAX_COMMAND_SIZE, TpmPt.MAX_RESPONSE_SIZE, TpmPt.MAX_DIGEST,
                TpmPt.PCR_COUNT, TpmPt.ACTIVE_SESSIONS_MAX, TpmPt.HR_LOADED_MIN, TpmPt.HR_TRANSIENT_MIN,
                TpmPt.HR_PERSISTENT_MIN, TpmPt.CONTEXT_GAP_MAX, TpmPt.NV_INDEX_MAX, TpmPt.NV_BUFFER_MAX,
                TpmPt.MAX_CAP_BUFFER, TpmPt.HR_TRANSIENT_AVAIL, TpmPt.HR_LOADED_AVAIL, TpmPt.HR_PERSISTENT_AVAIL,
                TpmPt.MAX_AUTH_FAIL, TpmPt.LOCKOUT_COUNTER)) {
            Integer value = p.get(pt.value());
            if (value != null) {
                out.put(pt.specName(), Integer.toUnsignedString(value));
            }
        }
        return out;
    }

    private <T> T timed(String name, Supplier<T> action, java.util.function.Function<T, String> detail) {
        long start = System.nanoTime();
        try {
            T result = action.get();
            checks.add(new CheckResult(name, true, Duration.ofNanos(System.nanoTime() - start), detail.apply(result)));
            return result;
        } catch (TpmException | IllegalStateException | IllegalArgumentException e) {
            checks.add(new CheckResult(name, false, Duration.ofNanos(System.nanoTime() - start), e.getMessage()));
            return null;
        }
    }

    private void verify(String name, boolean holds, String detail) {
        checks.add(new CheckResult(name, holds, null, detail));
    }
}
