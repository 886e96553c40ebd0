package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmTransport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A transport that keeps every byte sent and received, for tests that look for secrets on the wire. */
final class WireRecorder implements TpmTransport {

    private final TpmTransport inner;
    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();

    WireRecorder(TpmTransport inner) {
        this.inner = inner;
    }

    @Override
    public byte[] transmit(byte[] command) {
        wire.writeBytes(command);
        byte[] response = inner.transmit(command);
        wire.writeBytes(response);
        return response;
    }

    /** Whether {@code secret} crossed the wire as it is, in either direction. */
    boolean saw(byte[] secret) {
        return new String(wire.toByteArray(), StandardCharsets.ISO_8859_1)
                .contains(new String(secret, StandardCharsets.ISO_8859_1));
    }
}
