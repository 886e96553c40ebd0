package io.tpm4j.api.types;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.wire.TpmReader;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/** TPMS_CAPABILITY_DATA: a union keyed by its TPM_CAP selector, one record per member. */
public sealed interface CapabilityData {

    /** Upper bound for list counts; real TPMs return far fewer per call (MAX_CAP_BUFFER is about 1 KiB). */
    int MAX_LIST = 4096;

    TpmCap capability();

    record Algorithms(List<AlgorithmProperty> algorithms) implements CapabilityData {
        public Algorithms { algorithms = List.copyOf(algorithms); }
        public TpmCap capability() { return TpmCap.ALGS; }
    }

    record Handles(List<Integer> handles) implements CapabilityData {
        public Handles { handles = List.copyOf(handles); }
        public TpmCap capability() { return TpmCap.HANDLES; }
    }

    record Commands(List<CommandAttributes> commands) implements CapabilityData {
        public Commands { commands = List.copyOf(commands); }
        public TpmCap capability() { return TpmCap.COMMANDS; }
    }

    /** TPM_CAP_PP_COMMANDS or TPM_CAP_AUDIT_COMMANDS: a list of command codes. */
    record CommandCodes(TpmCap capability, List<Integer> commandCodes) implements CapabilityData {
        public CommandCodes { commandCodes = List.copyOf(commandCodes); }
    }

    record Pcrs(List<PcrSelection> banks) implements CapabilityData {
        public Pcrs { banks = List.copyOf(banks); }
        public TpmCap capability() { return TpmCap.PCRS; }
    }

    record Properties(List<TaggedProperty> properties) implements CapabilityData {
        public Properties { properties = List.copyOf(properties); }
        public TpmCap capability() { return TpmCap.TPM_PROPERTIES; }
    }

    record PcrProperties(List<TaggedPcrSelect> properties) implements CapabilityData {
        public PcrProperties { properties = List.copyOf(properties); }
        public TpmCap capability() { return TpmCap.PCR_PROPERTIES; }
    }

    record EccCurves(List<Integer> curves) implements CapabilityData {
        public EccCurves { curves = List.copyOf(curves); }
        public TpmCap capability() { return TpmCap.ECC_CURVES; }
    }

    /** Reads the union: the selector, then the member it selects. */
    static CapabilityData read(TpmReader in) {
        int at = in.position();
        int selector = in.u32("TPMS_CAPABILITY_DATA.capability");
        TpmCap cap = TpmCap.of(selector).orElseThrow(() -> new TpmProtocolException(
                "TPMS_CAPABILITY_DATA.capability " + Integer.toHexString(selector) + " is not a known TPM_CAP", at));
        return switch (cap) {
            case ALGS -> {
                int n = in.count(MAX_LIST, 6, "TPML_ALG_PROPERTY");
                List<AlgorithmProperty> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(new AlgorithmProperty(in.u16("TPMS_ALG_PROPERTY.alg"),
                            in.u32("TPMS_ALG_PROPERTY.algProperties")));
                }
                yield new Algorithms(list);
            }
            case HANDLES -> new Handles(readU32List(in, "TPML_HANDLE"));
            case COMMANDS -> {
                List<CommandAttributes> list = new ArrayList<>();
                for (int raw : readU32List(in, "TPML_CCA")) {
                    list.add(new CommandAttributes(raw));
                }
                yield new Commands(list);
            }
            case PP_COMMANDS, AUDIT_COMMANDS -> new CommandCodes(cap, readU32List(in, "TPML_CC"));
            case PCRS -> new Pcrs(PcrSelection.readList(in));
            case TPM_PROPERTIES -> {
                int n = in.count(MAX_LIST, 8, "TPML_TAGGED_TPM_PROPERTY");
                List<TaggedProperty> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(new TaggedProperty(in.u32("TPMS_TAGGED_PROPERTY.property"),
                            in.u32("TPMS_TAGGED_PROPERTY.value")));
                }
                yield new Properties(list);
            }
            case PCR_PROPERTIES -> {
                int n = in.count(MAX_LIST, 5, "TPML_TAGGED_PCR_PROPERTY");
                List<TaggedPcrSelect> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    int tag = in.u32("TPMS_TAGGED_PCR_SELECT.tag");
                    int sizeAt = in.position();
                    int size = in.u8("TPMS_TAGGED_PCR_SELECT.sizeofSelect");
                    if (size > PcrSelection.MAX_SELECT_BYTES) {
                        throw new TpmProtocolException("TPMS_TAGGED_PCR_SELECT.sizeofSelect is " + size, sizeAt);
                    }
                    list.add(new TaggedPcrSelect(tag, BitSet.valueOf(in.bytes(size, "TPMS_TAGGED_PCR_SELECT.pcrSelect"))));
                }
                yield new PcrProperties(list);
            }
            case ECC_CURVES -> {
                int n = in.count(MAX_LIST, 2, "TPML_ECC_CURVE");
                List<Integer> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(in.u16("TPM_ECC_CURVE"));
                }
                yield new EccCurves(list);
            }
            case AUTH_POLICIES, ACT, VENDOR_PROPERTY -> throw new TpmProtocolException(
                    "TPM_CAP_" + cap + " is not decoded yet", at);
        };
    }

    private static List<Integer> readU32List(TpmReader in, String structure) {
        int n = in.count(MAX_LIST, 4, structure);
        List<Integer> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(in.u32(structure + "[" + i + "]"));
        }
        return list;
    }
}
