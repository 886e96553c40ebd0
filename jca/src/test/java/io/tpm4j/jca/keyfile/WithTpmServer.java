package io.tpm4j.jca.keyfile;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.PlatformHierarchy;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.transport.SocketTransport;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.TpmChip;
import io.tpm4j.rm.server.Endpoint;
import io.tpm4j.rm.server.RmServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A private swtpm behind tpm4j's resource manager and server: a raw Unix socket for the Java client and mssim over
 * TCP for tpm2-tss's mssim TCTI (tpm2-openssl, tpm2-pytss). After each test the client, server and RM are closed and
 * the TPM must hold no transient object, session or persistent object.
 */
abstract class WithTpmServer {

    @TempDir
    Path dir;
    private Swtpm swtpm;
    private TpmChip chip;
    private ResourceManager rm;
    private RmServer server;
    /** The TPM past the RM: what is really loaded. */
    private Tpm raw;
    /** tpm4j's client of the server. */
    Tpm tpm;
    /** The TCTI string of tpm2-tss for the server. */
    String tcti;

    @BeforeEach
    void startTpmAndServer() {
        swtpm = Swtpm.startChardev();
        TpmTransport device = swtpm.transport();
        raw = Tpm.on(device::transmit);
        PlatformHierarchy.DISABLE.startupIfNeeded(raw);
        chip = TpmChip.over(device, "swtpm");
        rm = ResourceManager.over(chip, ResourceManager.Options.defaults());
        Path socket = dir.resolve("raw.sock");
        server = RmServer.start(rm, List.of(Endpoint.raw("unix:" + socket), Endpoint.mssim("tcp:127.0.0.1:0")),
                RmServer.Options.defaults());
        tcti = "mssim:host=127.0.0.1,port=" + server.mssimPort().orElseThrow();
        tpm = Tpm.on(SocketTransport.connectUnix(socket, CommandTimeouts.fixed(Duration.ofSeconds(60))));
    }

    @AfterEach
    void stopAndCheckNothingLeft() {
        try {
            tpm.close();
            server.close();
            rm.close();
            assertEquals(List.of(), raw.handles(TpmHt.TRANSIENT), "transient objects left in the TPM");
            assertEquals(List.of(), raw.loadedSessions(), "sessions left in the TPM");
            assertEquals(List.of(), raw.handles(TpmHt.PERSISTENT), "persistent objects left in the TPM");
        } finally {
            chip.close();
            swtpm.close();
        }
    }

    /**
     * A loadable key made by tpm4j from {@code template} under the key file format's owner primary (created and
     * flushed again), as a key file; a non-empty {@code password} becomes its authValue.
     */
    TssPrivateKey newLoadableKeyFile(PublicArea template, byte[] password) {
        try (TpmObject parent = TssKeyLoader.createParent(tpm, TpmRh.OWNER, false)) {
            Create.Response created = tpm.create(parent, template, new SensitiveCreate(password, new byte[0]));
            return TssPrivateKey.loadable(TpmRh.OWNER, created.outPublic(), created.outPrivate(), password.length == 0);
        }
    }

    record ProcessResult(int exitCode, String output) {
    }

    /**
     * Runs a program in {@link #dir} with extra environment and no input (a program that prompts fails rather than
     * waits); fails the test if it takes over two minutes.
     */
    ProcessResult run(Map<String, String> environment, String... command) throws Exception {
        io.tpm4j.jca.TestCa.Result r = io.tpm4j.jca.TestCa.run(dir, environment, 120, command);
        return new ProcessResult(r.exitCode(), r.output());
    }

    /** Runs a program that must succeed; returns its output. */
    String succeed(Map<String, String> environment, String... command) throws Exception {
        ProcessResult r = run(environment, command);
        assertEquals(0, r.exitCode(), String.join(" ", command) + ":\n" + r.output());
        return r.output();
    }
}
