package io.tpm4j.api;

import io.tpm4j.api.commands.GetCapability;
import io.tpm4j.api.commands.PcrRead;
import io.tpm4j.api.types.AlgorithmProperty;
import io.tpm4j.api.types.CapabilityData;
import io.tpm4j.api.types.CommandAttributes;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.TaggedProperty;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCap;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmPt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * What the facade asks of TPM2_GetCapability and TPM2_PCR_Read: paged answers collected, bounded by
 * MAX_CAPABILITY_CALLS round trips whatever a TPM says about moreData, and checked for making progress.
 */
final class TpmCapabilities {

    /** Capability loops stop after this many round trips, whatever a TPM says about moreData. */
    private static final int MAX_CAPABILITY_CALLS = 256;

    private final CommandExecutor executor;

    TpmCapabilities(CommandExecutor executor) {
        this.executor = executor;
    }

    /** One TPM2_GetCapability call. */
    GetCapability.Response getCapability(TpmCap capability, int property, int count) {
        return executor.execute(new GetCapability(capability, property, count));
    }

    /** All TPM properties from {@code first} up to the end of its group (fixed or variable), in order. */
    List<TaggedProperty> properties(int first) {
        int group = first & 0xFFFFFF00;
        return properties(first, group + 0xFF).stream().filter(p -> (p.property() & 0xFFFFFF00) == group).toList();
    }

    /**
     * The fixed (PT_FIXED) and variable (PT_VAR) TPM properties, keyed by TPM_PT: one paging run per group,
     * since a TPM ends an answer at its group's end (moreData refers to that group only).
     */
    Map<Integer, Integer> allProperties() {
        Map<Integer, Integer> out = new LinkedHashMap<>();
        for (int group : new int[] {TpmPt.PT_FIXED, TpmPt.PT_VAR}) {
            for (TaggedProperty p : properties(group)) {
                out.put(p.property(), p.value());
            }
        }
        return out;
    }

    private List<TaggedProperty> properties(int first, int last) {
        return collect(TpmCap.TPM_PROPERTIES, first, last, d -> ((CapabilityData.Properties) d).properties(),
                TaggedProperty::property);
    }

    /** The algorithms the TPM implements. */
    List<AlgorithmProperty> algorithms() {
        return collect(TpmCap.ALGS, 0, 0xFFFF, d -> ((CapabilityData.Algorithms) d).algorithms(), AlgorithmProperty::alg);
    }

    /** The commands the TPM implements, with their attributes. */
    List<CommandAttributes> commands() {
        return collect(TpmCap.COMMANDS, 0, -1, d -> ((CapabilityData.Commands) d).commands(),
                CommandAttributes::commandCode);
    }

    /**
     * The handles of one type the TPM has: loaded transient objects, persistent objects, NV indices, PCRs,
     * permanent handles. Sessions are listed by {@link #loadedSessions()} and {@link #savedSessions()}.
     *
     * @throws IllegalArgumentException for a session type, whose capability range means something else
     */
    List<Integer> handles(TpmHt type) {
        if (type == TpmHt.HMAC_SESSION || type == TpmHt.POLICY_SESSION) {
            throw new IllegalArgumentException("TPM_CAP_HANDLES lists sessions by state (loaded, saved), not by type "
                    + type + "; use loadedSessions() or savedSessions()");
        }
        return collect(TpmCap.HANDLES, type.firstHandle(), type.firstHandle() | 0xFFFFFF,
                d -> ((CapabilityData.Handles) d).handles(), h -> h).stream().filter(type::contains).toList();
    }

    /** The sessions loaded in the TPM, HMAC and policy (TPM_HT_LOADED_SESSION). */
    List<Integer> loadedSessions() {
        return sessions(TpmHt.HMAC_SESSION.firstHandle());
    }

    /** The sessions saved with TPM2_ContextSave and not loaded, still counted by the TPM (TPM_HT_SAVED_SESSION). */
    List<Integer> savedSessions() {
        return sessions(TpmHt.POLICY_SESSION.firstHandle());
    }

    /**
     * TPM_CAP_HANDLES over a session range: the answer holds HMAC (0x02) and policy (0x03) handles alike, so
     * paging goes by the session's slot number within the range asked for.
     */
    private List<Integer> sessions(int range) {
        return collect(TpmCap.HANDLES, range, range | 0xFFFFFF, d -> ((CapabilityData.Handles) d).handles(),
                h -> range | (h & 0xFFFFFF)).stream()
                .filter(h -> TpmHt.HMAC_SESSION.contains(h) || TpmHt.POLICY_SESSION.contains(h)).toList();
    }

    /** The PCR banks and which PCRs each has allocated. */
    List<PcrSelection> pcrBanks() {
        return ((CapabilityData.Pcrs) getCapability(TpmCap.PCRS, 0, 1).data()).banks();
    }

    /**
     * The values of {@code pcrs} in the bank of {@code bank}, in as many TPM2_PCR_Read calls as it takes.
     * PCRs within the TPM's selection size that the bank does not have are absent from the result; an index
     * beyond that size is refused by the TPM (TPM_RC_VALUE).
     */
    Map<Integer, byte[]> pcrValues(TpmAlg bank, int... pcrs) {
        Map<Integer, byte[]> values = new LinkedHashMap<>();
        List<Integer> wanted = new ArrayList<>();
        for (int pcr : pcrs) {
            wanted.add(pcr);
        }
        while (!wanted.isEmpty()) {
            PcrSelection ask = PcrSelection.of(bank, wanted.stream().mapToInt(Integer::intValue).toArray());
            PcrRead.Response response = executor.execute(new PcrRead(List.of(ask)));
            List<Integer> got = response.pcrSelectionOut().stream()
                    .filter(s -> s.hashAlg() == bank.value()).flatMap(s -> s.indices().stream()).toList();
            if (got.size() != response.pcrValues().size()) {
                throw new TpmProtocolException("TPM2_PCR_Read selected " + got.size() + " PCRs but returned "
                        + response.pcrValues().size() + " values", -1);
            }
            if (got.isEmpty()) {
                break;
            }
            for (int i = 0; i < got.size(); i++) {
                if (!wanted.remove(got.get(i))) {
                    throw new TpmProtocolException("TPM2_PCR_Read returned PCR " + got.get(i) + ", which was not asked for", -1);
                }
                values.put(got.get(i), response.pcrValues().get(i));
            }
        }
        return values;
    }

    /**
     * Pages through one capability group from {@code first} until the TPM says there is no more or a page
     * reaches {@code last} (unsigned; -1 for no bound), and never beyond MAX_CAPABILITY_CALLS round trips.
     */
    private <T> List<T> collect(TpmCap cap, int first, int last, Function<CapabilityData, List<T>> items,
                                ToIntFunction<T> key) {
        List<T> all = new ArrayList<>();
        int next = first;
        for (int call = 0; call < MAX_CAPABILITY_CALLS; call++) {
            GetCapability.Response response = getCapability(cap, next, 1024);
            List<T> page = items.apply(response.data());
            all.addAll(page);
            if (!response.moreData() || page.isEmpty()) {
                return all;
            }
            int reached = key.applyAsInt(page.getLast());
            if (Integer.compareUnsigned(reached, last) >= 0) {
                return all;
            }
            if (Integer.compareUnsigned(reached + 1, next) <= 0) {
                throw new TpmProtocolException("TPM2_GetCapability(" + cap + ") did not advance past 0x"
                        + Integer.toHexString(reached), -1);
            }
            next = reached + 1;
        }
        throw new TpmProtocolException("TPM2_GetCapability(" + cap + ") still had more data after "
                + MAX_CAPABILITY_CALLS + " calls", -1);
    }
}
