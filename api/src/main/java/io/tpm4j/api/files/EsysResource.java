package io.tpm4j.api.files;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What tpm2-tss's ESAPI keeps about a TPM entity (its IESYS_RESOURCE): the TPM handle, the Name and, for objects
 * and NV indices, their public areas. {@code Esys_TR_Serialize} writes exactly this — tpm2-pytss's
 * {@code ESAPI.tr_serialize} returns it, tpm2-tools keeps persistent handles in such files — and
 * {@code Esys_ContextSave} appends it to every saved context (see {@link ToolsContextFile}).
 *
 * <p>Layout (big-endian): handle (u32), TPM2B_NAME, resource type (u32), then by type: nothing (0: PCRs,
 * hierarchies, persistent handles read without their public area), TPM2B_PUBLIC (1: objects), TPM2B_NV_PUBLIC
 * (2: NV indices), ESAPI's session state (3, and 4 for a session tpm2-tss ≥ 4 marks degraded).
 *
 * <p>Nothing here is checked against a TPM: a file can name any handle. {@code ContextFiles.verify} asks the TPM.
 */
public record EsysResource(int handle, byte[] name, Details details) {

    /** TPM2B_NAME holds a TPMT_HA (hash algorithm and a SHA-512 digest at most) or a 4-byte handle. */
    public static final int MAX_NAME = 2 + 64;

    /** IESYSC_RESOURCE_TYPE: which of the union's members follows. */
    private static final int WITHOUT_MISC = 0;
    private static final int KEY = 1;
    private static final int NV = 2;
    private static final int SESSION = 3;
    private static final int DEGRADED_SESSION = 4;

    /** The part that depends on what the handle is. */
    public sealed interface Details permits ObjectPublic, NvIndexPublic, SessionState, NoDetails {
    }

    /** A transient or persistent object with its public area. */
    public record ObjectPublic(PublicArea publicArea) implements Details {
        public ObjectPublic {
            Objects.requireNonNull(publicArea, "publicArea");
        }
    }

    /** An NV index with its public area. */
    public record NvIndexPublic(NvPublic nvPublic) implements Details {
        public NvIndexPublic {
            Objects.requireNonNull(nvPublic, "nvPublic");
        }
    }

    /** An entity ESAPI keeps nothing more about than handle and Name (PCRs, hierarchies). */
    public record NoDetails() implements Details {
    }

    public EsysResource {
        Objects.requireNonNull(details, "details");
        name = name.clone();
        if (name.length > MAX_NAME) {
            throw new IllegalArgumentException("a Name has at most " + MAX_NAME + " bytes, not " + name.length);
        }
    }

    /** An object (transient or persistent) at {@code handle}: its Name computed from its public area. */
    public static EsysResource ofObject(int handle, PublicArea publicArea) {
        return new EsysResource(handle, publicArea.name(), new ObjectPublic(publicArea));
    }

    /** An NV index: handle and Name from its public area. */
    public static EsysResource ofNvIndex(NvPublic nvPublic) {
        return new EsysResource(nvPublic.nvIndex(), nvPublic.name(), new NvIndexPublic(nvPublic));
    }

    /** A PCR or permanent handle, whose Name is the handle itself. */
    public static EsysResource ofHandle(int handle) {
        if (!TpmHt.PCR.contains(handle) && !TpmHt.PERMANENT.contains(handle)) {
            throw new IllegalArgumentException(String.format("0x%08x is not a PCR or permanent handle; objects and "
                    + "NV indices carry their public areas", handle));
        }
        return new EsysResource(handle, new TpmWriter(4).u32(handle).toByteArray(), new NoDetails());
    }

    @Override
    public byte[] name() {
        return name.clone();
    }

    /** The object's public area, when this is an object. */
    public Optional<PublicArea> publicArea() {
        return details instanceof ObjectPublic o ? Optional.of(o.publicArea()) : Optional.empty();
    }

    /** The NV index's public area, when this is an NV index. */
    public Optional<NvPublic> nvPublic() {
        return details instanceof NvIndexPublic n ? Optional.of(n.nvPublic()) : Optional.empty();
    }

    /** The Esys_TR_Serialize form, which {@code Esys_TR_Deserialize} (pytss {@code tr_deserialize}) reads. */
    public byte[] toBytes() {
        TpmWriter out = new TpmWriter(512);
        write(out);
        return out.toByteArray();
    }

    public void write(TpmWriter out) {
        out.u32(handle).tpm2b(name);
        switch (details) {
            case ObjectPublic o -> o.publicArea().writeSized(out.u32(KEY));
            case NvIndexPublic n -> n.nvPublic().writeSized(out.u32(NV));
            case SessionState s -> out.u32(s.degraded() ? DEGRADED_SESSION : SESSION).bytes(s.encoded());
            case NoDetails ignored -> out.u32(WITHOUT_MISC);
        }
    }

    /** An Esys_TR_Serialize blob, all of it: trailing bytes are an error. */
    public static EsysResource parse(byte[] serialized) {
        TpmReader in = new TpmReader(serialized);
        EsysResource resource = read(in);
        in.expectEnd("serialized ESYS_TR");
        return resource;
    }

    /**
     * One IESYS_RESOURCE from {@code in}. A Name that does not match the public area it comes with is refused:
     * ESAPI computes both from the same TPM answer, so a mismatch is a damaged or forged file.
     */
    public static EsysResource read(TpmReader in) {
        int handle = in.u32("IESYS_RESOURCE.handle");
        int nameAt = in.position();
        byte[] name = in.tpm2b(MAX_NAME, "IESYS_RESOURCE.name");
        int typeAt = in.position();
        int type = in.u32("IESYS_RESOURCE.rsrcType");
        Details details = switch (type) {
            case KEY -> new ObjectPublic(PublicArea.readSized(in));
            case NV -> new NvIndexPublic(NvPublic.readSized(in));
            case SESSION, DEGRADED_SESSION -> SessionState.read(in, type == DEGRADED_SESSION);
            case WITHOUT_MISC -> new NoDetails();
            default -> throw new TpmProtocolException("IESYS_RESOURCE.rsrcType is " + Integer.toUnsignedString(type)
                    + ", not one of 0 (none), 1 (key), 2 (NV index), 3 or 4 (session)", typeAt);
        };
        EsysResource resource = new EsysResource(handle, name, details);
        resource.checkConsistent(nameAt);
        return resource;
    }

    private void checkConsistent(int nameAt) {
        byte[] expected = switch (details) {
            case ObjectPublic o -> nameOrNull(o.publicArea()::name);
            case NvIndexPublic n -> n.nvPublic().nvIndex() == handle ? nameOrNull(n.nvPublic()::name) : null;
            case SessionState s -> name;
            case NoDetails ignored -> name;
        };
        if (!Arrays.equals(expected, name)) {
            throw new TpmProtocolException(String.format("IESYS_RESOURCE.name %s of handle 0x%08x is not the Name of "
                    + "the public area that follows it", HexFormat.of().formatHex(name), handle), nameAt);
        }
    }

    /** A Name computed from a public area, or null when its name algorithm has no digest (a forged area). */
    private static byte[] nameOrNull(Supplier<byte[]> name) {
        try {
            return name.get();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EsysResource r && handle == r.handle && Arrays.equals(name, r.name)
                && details.equals(r.details);
    }

    @Override
    public int hashCode() {
        return handle * 31 + Arrays.hashCode(name);
    }

    @Override
    public String toString() {
        return String.format("EsysResource[0x%08x, name %s, %s]", handle, HexFormat.of().formatHex(name),
                details.getClass().getSimpleName());
    }
}
