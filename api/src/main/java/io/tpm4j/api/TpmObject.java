package io.tpm4j.api;

import io.tpm4j.api.commands.CommandRunner;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.TpmCommand;
import io.tpm4j.api.types.PublicArea;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A transient object loaded in the TPM: its handle, public area and Name. Closing it flushes it from the
 * TPM once; a TPM that is gone by then is not an error.
 */
public final class TpmObject implements AutoCloseable {

    private final CommandRunner tpm;
    private final int handle;
    private final PublicArea publicArea;
    private final byte[] name;
    private final AtomicBoolean flushed = new AtomicBoolean();

    TpmObject(CommandRunner tpm, int handle, PublicArea publicArea, byte[] name) {
        this.tpm = tpm;
        this.handle = handle;
        this.publicArea = publicArea;
        this.name = name.clone();
    }

    /** An object loaded through {@code tpm} by a call outside the facade (key imports, context files). */
    static TpmObject loadedThrough(Tpm tpm, int handle, PublicArea publicArea, byte[] name) {
        return new TpmObject(new CommandRunner() {
            @Override
            public <R> R execute(TpmCommand<R> command) {
                return tpm.execute(command);
            }

            @Override
            public byte[] nameOf(int h) {
                return tpm.nameOf(h);
            }
        }, handle, publicArea, name);
    }

    public int handle() {
        return handle;
    }

    public PublicArea publicArea() {
        return publicArea;
    }

    /** The Name the TPM reported when the object was loaded. */
    public byte[] name() {
        return name.clone();
    }

    /** TPM2_FlushContext, once. */
    @Override
    public void close() {
        if (flushed.compareAndSet(false, true)) {
            try {
                tpm.execute(new FlushContext(handle));
            } catch (TpmDeviceRemovedException e) {
                // The TPM and everything loaded in it are gone already.
            }
        }
    }

    @Override
    public String toString() {
        return String.format("TpmObject[0x%08x, %s]", handle, publicArea);
    }
}
