package io.tpm4j.api;

import io.tpm4j.api.commands.CommandHandle;
import io.tpm4j.api.commands.NvRead;
import io.tpm4j.api.commands.NvReadPublic;
import io.tpm4j.api.commands.NvWrite;
import io.tpm4j.api.commands.TpmCommand;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRc;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * NV indices as the facade last saw them, and the facade's NV reads and writes. A public area (from which the
 * index's size and Name follow) is kept when the facade defines an index or reads its public area, updated by the
 * facade's own writes (the first sets TPMA_NV_WRITTEN, which changes the Name), and dropped when the index is
 * undefined or a command on it fails its authorisation (a Name changed behind the facade's back looks like that).
 * Shared by every view of one {@code Tpm}.
 */
final class NvIndexes {

    /** NV reads and writes go in pieces no larger than the smallest TPM_PT_NV_BUFFER_MAX PC-client TPMs have. */
    private static final int NV_CHUNK = 512;

    /** The commands after which an index they name may have another public area, so another Name. */
    private static final Set<TpmCc> CHANGING = EnumSet.of(TpmCc.NV_WRITE, TpmCc.NV_INCREMENT, TpmCc.NV_EXTEND,
            TpmCc.NV_SET_BITS, TpmCc.NV_WRITE_LOCK, TpmCc.NV_READ_LOCK, TpmCc.NV_UNDEFINE_SPACE,
            TpmCc.NV_UNDEFINE_SPACE_SPECIAL, TpmCc.NV_DEFINE_SPACE);

    private final Map<Integer, NvPublic> known = new ConcurrentHashMap<>();

    void seen(NvPublic nv) {
        known.put(nv.nvIndex(), nv);
    }

    /** After a successful write, extend, increment or bit set: the TPM has set TPMA_NV_WRITTEN. */
    void written(int nvIndex) {
        known.computeIfPresent(nvIndex, (index, nv) -> nv.attributes().has(NvAttributes.WRITTEN) ? nv
                : new NvPublic(index, nv.nameAlg(), new NvAttributes(nv.attributes().raw() | NvAttributes.WRITTEN),
                nv.authPolicy(), nv.dataSize()));
    }

    void forget(int nvIndex) {
        known.remove(nvIndex);
    }

    /**
     * After a command sent through the facade's {@code execute}: when it is one that can change an NV index's
     * public area (write, lock, define, undefine...), the indices it names are read afresh next time.
     */
    void mayHaveChanged(TpmCommand<?> command) {
        TpmCc code = command.code();
        if (code == TpmCc.NV_GLOBAL_WRITE_LOCK) {
            known.clear();
        } else if (CHANGING.contains(code)) {
            command.handles().stream().map(CommandHandle::handle).filter(TpmHt.NV_INDEX::contains).forEach(this::forget);
        }
    }

    /** Writes {@code data} from offset 0 in chunks every TPM accepts. */
    void write(SecretCalls calls, int nvIndex, Authorization auth, byte[] data) {
        onIndex(nvIndex, () -> {
            int offset = 0;
            do {
                byte[] chunk = Arrays.copyOfRange(data, offset, Math.min(data.length, offset + NV_CHUNK));
                int at = offset;
                calls.authorized(auth, a -> new NvWrite(nvIndex, a, nvIndex, chunk, at), name(calls, nvIndex));
                written(nvIndex);
                offset += NV_CHUNK;
            } while (offset < data.length);
            return null;
        });
    }

    /** Reads the whole index in chunks every TPM accepts. */
    byte[] read(SecretCalls calls, int nvIndex, Authorization auth) {
        int size = publicArea(calls, nvIndex).dataSize();
        return onIndex(nvIndex, () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream(size);
            for (int offset = 0; offset < size; offset += NV_CHUNK) {
                int length = Math.min(NV_CHUNK, size - offset);
                int at = offset;
                byte[] chunk = calls.authorized(auth, a -> new NvRead(nvIndex, a, nvIndex, length, at),
                        name(calls, nvIndex)).data();
                if (chunk.length != length) {
                    throw new TpmProtocolException("TPM2_NV_Read returned " + chunk.length + " of " + length + " bytes", -1);
                }
                out.writeBytes(chunk);
            }
            return out.toByteArray();
        });
    }

    /** The index's public area as last seen, read from the TPM the first time. */
    private NvPublic publicArea(SecretCalls calls, int nvIndex) {
        NvPublic seen = known.get(nvIndex);
        if (seen == null) {
            seen = calls.run(new NvReadPublic(nvIndex), Map.of()).nvPublic();
            known.put(nvIndex, seen);
        }
        return seen;
    }

    private Map<Integer, byte[]> name(SecretCalls calls, int nvIndex) {
        return Map.of(nvIndex, publicArea(calls, nvIndex).name());
    }

    /**
     * Runs an NV call; when the TPM refuses its authorisation, the index is read afresh next time, in case its
     * Name changed behind the facade's back (the call is not sent again: a failed authorisation counts against
     * lockout).
     */
    private <T> T onIndex(int nvIndex, Supplier<T> call) {
        try {
            return call.get();
        } catch (TpmResponseException e) {
            if (e.is(TpmRc.AUTH_FAIL) || e.is(TpmRc.BAD_AUTH) || e.is(TpmRc.HANDLE)) {
                forget(nvIndex);
            }
            throw e;
        }
    }
}
