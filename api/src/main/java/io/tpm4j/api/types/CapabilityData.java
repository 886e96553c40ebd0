package io.tpm4j.api.types;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.OptionalInt;

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

    /** TPM_CAP_AUTH_POLICIES: the policies set on permanent handles (TPM2_SetPrimaryPolicy). */
    record AuthPolicies(List<TaggedPolicy> policies) implements CapabilityData {
        public AuthPolicies { policies = List.copyOf(policies); }
        public TpmCap capability() { return TpmCap.AUTH_POLICIES; }
    }

    /** TPM_CAP_ACT: the authenticated countdown timers. */
    record Acts(List<ActData> timers) implements CapabilityData {
        public Acts { timers = List.copyOf(timers); }
        public TpmCap capability() { return TpmCap.ACT; }
    }

    /** TPM_CAP_VENDOR_PROPERTY: vendor-defined 32-bit values. */
    record VendorProperties(List<Integer> values) implements CapabilityData {
        public VendorProperties { values = List.copyOf(values); }
        public TpmCap capability() { return TpmCap.VENDOR_PROPERTY; }
    }

    /** Writes the union: the selector, then its member (what a resource manager answers on a TPM's behalf). */
    default void write(TpmWriter out) {
        out.u32(capability().value());
        switch (this) {
            case Algorithms a -> {
                out.u32(a.algorithms().size());
                a.algorithms().forEach(p -> out.u16(p.alg()).u32(p.attributes()));
            }
            case Handles h -> writeU32List(out, h.handles());
            case Commands c -> writeU32List(out, c.commands().stream().map(CommandAttributes::raw).toList());
            case CommandCodes c -> writeU32List(out, c.commandCodes());
            case Pcrs p -> PcrSelection.writeList(out, p.banks());
            case Properties p -> {
                out.u32(p.properties().size());
                p.properties().forEach(t -> out.u32(t.property()).u32(t.value()));
            }
            case PcrProperties p -> {
                out.u32(p.properties().size());
                for (TaggedPcrSelect t : p.properties()) {
                    out.u32(t.tag()).u8(t.sizeOfSelect()).bytes(Arrays.copyOf(t.pcrs().toByteArray(), t.sizeOfSelect()));
                }
            }
            case EccCurves e -> {
                out.u32(e.curves().size());
                e.curves().forEach(out::u16);
            }
            case AuthPolicies a -> {
                out.u32(a.policies().size());
                a.policies().forEach(p -> out.u32(p.handle()).u16(p.hashAlg()).bytes(p.digest()));
            }
            case Acts a -> {
                out.u32(a.timers().size());
                a.timers().forEach(t -> out.u32(t.handle()).u32(t.timeout()).u32(t.attributes()));
            }
            case VendorProperties v -> writeU32List(out, v.values());
        }
    }

    private static void writeU32List(TpmWriter out, List<Integer> values) {
        out.u32(values.size());
        values.forEach(out::u32);
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
                    list.add(new TaggedPcrSelect(tag, BitSet.valueOf(in.bytes(size, "TPMS_TAGGED_PCR_SELECT.pcrSelect")),
                            size));
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
            case AUTH_POLICIES -> {
                int n = in.count(MAX_LIST, 6, "TPML_TAGGED_POLICY");
                List<TaggedPolicy> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    int handle = in.u32("TPMS_TAGGED_POLICY.handle");
                    int hashAt = in.position();
                    int hashAlg = in.u16("TPMS_TAGGED_POLICY.policyHash.hashAlg");
                    // TPMT_HA+: a hierarchy without a policy reports TPM_ALG_NULL and no digest.
                    int size = hashAlg == TpmAlg.NULL.value() ? 0 : TpmAlg.of(hashAlg).map(TpmAlg::digestSize).filter(OptionalInt::isPresent)
                            .map(OptionalInt::getAsInt).orElseThrow(() -> new TpmProtocolException("TPMS_TAGGED_POLICY.policyHash.hashAlg 0x"
                                    + Integer.toHexString(hashAlg) + " is not a hash algorithm", hashAt));
                    list.add(new TaggedPolicy(handle, hashAlg, in.bytes(size, "TPMS_TAGGED_POLICY.policyHash.digest")));
                }
                yield new AuthPolicies(list);
            }
            case ACT -> {
                int n = in.count(MAX_LIST, 12, "TPML_ACT_DATA");
                List<ActData> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(new ActData(in.u32("TPMS_ACT_DATA.handle"), in.u32("TPMS_ACT_DATA.timeout"),
                            in.u32("TPMS_ACT_DATA.attributes")));
                }
                yield new Acts(list);
            }
            case VENDOR_PROPERTY -> new VendorProperties(readU32List(in, "TPML_INTEL_PTT_PROPERTY"));
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
