package io.tpm4j.api.session;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.LoadExternal;
import io.tpm4j.api.commands.NvDefineSpace;
import io.tpm4j.api.commands.NvReadPublic;
import io.tpm4j.api.commands.NvUndefineSpace;
import io.tpm4j.api.commands.NvWrite;
import io.tpm4j.api.commands.PcrExtend;
import io.tpm4j.api.commands.PolicyGetDigest;
import io.tpm4j.api.commands.StartAuthSession;
import io.tpm4j.api.transport.SocketTransport;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Records {@link PolicyDigestTest#RECORDED}: starts a private swtpm in socket mode, sets up the fixed inputs of
 * {@link PolicyDigestTest} (PCR events, the NV index, the loaded public key), runs each case's commands in a trial
 * session of its own, and prints TPM2_PolicyGetDigest's answers as the lines of {@code recorded()}. Not a test:
 * run it by hand after adding a case, e.g. {@code java -cp api/target/classes:api/target/test-classes:<slf4j>
 * io.tpm4j.api.session.PolicyDigestRecorder}.
 */
public final class PolicyDigestRecorder {

    private static final Authorization EMPTY = Authorization.emptyPassword();
    private static final HexFormat HEX = HexFormat.of();

    private PolicyDigestRecorder() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("tpm4j-policy-recorder");
        Path socket = dir.resolve("tpm.sock");
        // --terminate: swtpm exits with the connection, so nothing outlives this program.
        Process swtpm = new ProcessBuilder("swtpm", "socket", "--tpm2", "--server", "type=unixio,path=" + socket,
                "--ctrl", "type=unixio,path=" + dir.resolve("ctrl.sock"), "--tpmstate", "dir=" + dir,
                "--flags", "not-need-init,startup-clear", "--terminate")
                .redirectErrorStream(true).redirectOutput(dir.resolve("swtpm.log").toFile()).start();
        try {
            for (int i = 0; i < 100 && !Files.exists(socket); i++) {
                Thread.sleep(50);
            }
            try (Tpm tpm = Tpm.on(SocketTransport.connectUnix(socket, CommandTimeouts.kernelDefaults()))) {
                tpm.startupIfNeeded();
                record(tpm);
            }
        } finally {
            swtpm.destroy();
            swtpm.waitFor();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(PolicyDigestRecorder::delete);
            }
        }
    }

    private static void record(Tpm tpm) {
        for (Map.Entry<Integer, byte[]> event : PolicyDigestTest.PCR_EVENTS.entrySet()) {
            tpm.execute(new PcrExtend(event.getKey(), EMPTY, List.of(new TaggedDigest(TpmAlg.SHA256, event.getValue()))));
        }
        tpm.execute(new NvDefineSpace(TpmRh.OWNER, EMPTY, new byte[0], PolicyDigestTest.NV_DEFINED));
        LoadExternal.Response key = tpm.execute(new LoadExternal(PolicyDigestTest.SIGNING_KEY, TpmRh.NULL));
        try {
            int index = PolicyDigestTest.NV_INDEX;
            tpm.execute(new NvWrite(index, EMPTY, index, PolicyDigestTest.NV_DATA, 0));
            print("keyName", key.name());
            print("nvName", tpm.execute(new NvReadPublic(index)).nvName());
            for (PolicyDigestTest.Case c : PolicyDigestTest.cases()) {
                int session = tpm.execute(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, new byte[16], new byte[0],
                        StartAuthSession.TRIAL, SymmetricDefinition.NULL, c.hash())).sessionHandle();
                try {
                    for (PolicyDigestTest.Step step : c.steps()) {
                        tpm.execute(step.command(session, key.objectHandle()));
                    }
                    print(c.name(), tpm.execute(new PolicyGetDigest(session)).policyDigest());
                } finally {
                    tpm.execute(new FlushContext(session));
                }
            }
        } finally {
            tpm.execute(new FlushContext(key.objectHandle()));
            tpm.execute(new NvUndefineSpace(TpmRh.OWNER, EMPTY, PolicyDigestTest.NV_INDEX));
        }
    }

    private static void print(String name, byte[] value) {
        System.out.println("        r.put(\"" + name + "\", \"" + HEX.formatHex(value) + "\");");
    }

    private static void delete(Path path) {
        try {
            Files.delete(path);
        } catch (IOException e) {
            System.err.println("cannot delete " + path + ": " + e.getMessage());
        }
    }
}
