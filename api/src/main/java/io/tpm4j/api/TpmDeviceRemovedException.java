package io.tpm4j.api;

/**
 * The TPM behind a transport is gone: the chip was removed, the driver unbound, the emulator exited.
 * Never retried; the transport stays closable and fails every later command with this exception.
 */
public final class TpmDeviceRemovedException extends TpmException {

    private final String device;

    public TpmDeviceRemovedException(String device, String message, Throwable cause) {
        super(device + ": " + message, cause);
        this.device = device;
    }

    /** The device path or description of the transport whose TPM went away. */
    public String device() {
        return device;
    }
}
