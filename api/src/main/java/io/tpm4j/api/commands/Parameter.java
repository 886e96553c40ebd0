package io.tpm4j.api.commands;

import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One command parameter, as Part 2 marshals it. Whether it is a TPM2B (a size, then that many bytes) is part
 * of its kind: a command's declaration says what each parameter is, and whether a session may encrypt the
 * first one follows from that instead of being stated beside it.
 */
public sealed interface Parameter {

    void write(TpmWriter out);

    /** Whether it marshals as a TPM2B, the only kind of parameter a session with TPMA_SESSION.decrypt encrypts. */
    default boolean sized() {
        return switch (this) {
            case Sized s -> true;
            case SizedStructure s -> true;
            case Unsigned u -> false;
            case Structure s -> false;
            case ListOf l -> false;
        };
    }

    /** How a structure writes itself: its own writer, e.g. {@code scheme::write}. */
    @FunctionalInterface
    interface Body {
        void write(TpmWriter out);
    }

    /** A UINT8, or a TPMI_ type of that size. */
    static Parameter u8(int value) {
        return new Unsigned(1, value);
    }

    /** A TPMI_YES_NO. */
    static Parameter bool(boolean value) {
        return u8(value ? 1 : 0);
    }

    /** A UINT16, a TPM_ALG_ID, a TPM_SU... */
    static Parameter u16(int value) {
        return new Unsigned(2, value);
    }

    /** A UINT32, a handle, a TPM_CC... */
    static Parameter u32(int value) {
        return new Unsigned(4, value);
    }

    static Parameter u64(long value) {
        return new Unsigned(8, value);
    }

    /** A TPM2B of bytes: TPM2B_DIGEST, TPM2B_AUTH, TPM2B_MAX_BUFFER... */
    static Parameter sized(byte[] value) {
        return new Sized(value);
    }

    /** An Empty Buffer: a TPM2B of size 0, where Part 3 wants a sized parameter left out. */
    static Parameter emptyBuffer() {
        return new Sized(new byte[0]);
    }

    /** TPM2B_PUBLIC (or TPM2B_TEMPLATE, which holds the same TPMT_PUBLIC). */
    static Parameter sized(PublicArea area) {
        return new SizedStructure(area::write);
    }

    /** TPM2B_SENSITIVE_CREATE. */
    static Parameter sized(SensitiveCreate sensitive) {
        return new SizedStructure(out -> out.tpm2b(sensitive.userAuth()).tpm2b(sensitive.data()));
    }

    /** TPM2B_NV_PUBLIC. */
    static Parameter sized(NvPublic nvPublic) {
        return new Sized(nvPublic.toBytes());
    }

    /** TPM2B_ECC_POINT. */
    static Parameter sized(PublicId.Ecc point) {
        return new SizedStructure(point::write);
    }

    /** A structure that is not a TPM2B (TPMT_SIG_SCHEME, TPMT_TK_HASHCHECK, TPMT_SYM_DEF...), by its own writer. */
    static Parameter structure(Body body) {
        return new Structure(body);
    }

    /** A TPML_ list: a UINT32 count, then each element as {@code each} declares it. */
    static <T> Parameter list(List<T> elements, Function<? super T, Parameter> each) {
        return new ListOf(elements.stream().map(each).toList());
    }

    /** A TPML_ list of structures (TPML_PCR_SELECTION, TPML_DIGEST_VALUES...), each by its own writer. */
    static <T> Parameter structures(List<T> elements, BiConsumer<? super T, TpmWriter> write) {
        return list(elements, e -> structure(out -> write.accept(e, out)));
    }

    /** An unsigned number of {@code size} bytes, big-endian. */
    record Unsigned(int size, long value) implements Parameter {
        public Unsigned {
            if (size != 1 && size != 2 && size != 4 && size != 8) {
                throw new IllegalArgumentException("TPM 2.0 has no " + size + "-byte integer");
            }
        }

        public void write(TpmWriter out) {
            switch (size) {
                case 1 -> out.u8((int) value);
                case 2 -> out.u16((int) value);
                case 4 -> out.u32((int) value);
                default -> out.u64(value);
            }
        }
    }

    /** The bytes as a TPM2B. */
    record Sized(byte[] value) implements Parameter {
        public void write(TpmWriter out) {
            out.tpm2b(value);
        }

        /** Never shows the bytes, which may be secret. */
        @Override
        public String toString() {
            return "Sized[" + value.length + " bytes]";
        }
    }

    /** A structure wrapped in a TPM2B: the size of its marshalled form, then that form. */
    record SizedStructure(Body body) implements Parameter {
        public void write(TpmWriter out) {
            out.tpm2b(body::write);
        }
    }

    record Structure(Body body) implements Parameter {
        public void write(TpmWriter out) {
            body.write(out);
        }
    }

    record ListOf(List<Parameter> elements) implements Parameter {
        public void write(TpmWriter out) {
            out.u32(elements.size());
            elements.forEach(e -> e.write(out));
        }
    }
}
