package io.tpm4j.apiswtpm;

import io.tpm4j.api.Tpm;
import io.tpm4j.ffi.Swtpm;

/** A private swtpm on a socketpair, started (TPM2_Startup) and wrapped in a Tpm: the fixture most tests share. */
final class StartedTpm implements AutoCloseable {

    final Swtpm swtpm;
    final Tpm tpm;

    private StartedTpm(Swtpm swtpm) {
        this.swtpm = swtpm;
        this.tpm = Tpm.on(swtpm.transport());
        tpm.startupIfNeeded();
    }

    static StartedTpm start() {
        return new StartedTpm(Swtpm.startChardev());
    }

    /** A socket-mode swtpm, whose control socket sets the locality. */
    static StartedTpm startWithControl() {
        return new StartedTpm(Swtpm.startSocket(io.tpm4j.api.CommandTimeouts.kernelDefaults()));
    }

    @Override
    public void close() {
        swtpm.close();
    }
}
