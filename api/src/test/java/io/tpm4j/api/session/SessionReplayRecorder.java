package io.tpm4j.api.session;

import io.tpm4j.api.CommandExecutor;
import io.tpm4j.api.RetryPolicy;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.CreatePrimary;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.Load;
import io.tpm4j.api.testing.SocketSwtpm;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmHeader;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Records {@link SessionReplayTest#RECORDED}: on a private swtpm, creates an ECC SRK and under it the two HMAC keys
 * of the test (key bytes and authValues from {@link SessionReplayTest}), loads them, runs
 * {@link SessionReplayTest#exchange} through a transport that keeps every command and response, checks the results
 * with {@link SessionReplayTest#verify}, and prints the constants to paste into the test. Not a test: run it by hand
 * when the exchange changes, after {@code mvn -pl api test-compile dependency:build-classpath
 * -Dmdep.outputFile=cp.txt}: {@code java -cp api/target/classes:api/target/test-classes:$(cat api/cp.txt)
 * io.tpm4j.api.session.SessionReplayRecorder}.
 */
public final class SessionReplayRecorder {

    private static final HexFormat HEX = HexFormat.of();
    private static final Authorization EMPTY = Authorization.emptyPassword();
    /** Hex digits per line of a printed text block. */
    private static final int LINE = 96;
    private static final String INDENT = " ".repeat(20);

    private SessionReplayRecorder() {
    }

    public static void main(String[] args) {
        try (SocketSwtpm swtpm = SocketSwtpm.start()) {
            CommandExecutor setup = new CommandExecutor(swtpm.transport(), RetryPolicy.defaults());
            int srk = setup.execute(new CreatePrimary(TpmRh.OWNER, EMPTY, SensitiveCreate.EMPTY, Templates.srkEccP256(),
                    new byte[0], List.of())).objectHandle();
            Load.Response a = createAndLoad(setup, srk, SessionReplayTest.sensitiveA());
            Load.Response b = createAndLoad(setup, srk, SessionReplayTest.sensitiveB());
            setup.execute(new FlushContext(srk));
            SessionReplayTest.Keys keys = new SessionReplayTest.Keys(a.objectHandle(), a.name(), b.objectHandle(),
                    b.name());
            Recording recording = new Recording(swtpm.transport());
            SessionReplayTest.verify(SessionReplayTest.exchange(new CommandExecutor(recording, RetryPolicy.none()),
                    keys), keys);
            setup.execute(new FlushContext(a.objectHandle()));
            setup.execute(new FlushContext(b.objectHandle()));
            print(keys, recording.exchanges);
        }
    }

    private static Load.Response createAndLoad(CommandExecutor tpm, int parent, SensitiveCreate sensitive) {
        Create.Response created = tpm.execute(new Create(parent, EMPTY, sensitive, SessionReplayTest.HMAC_KEY,
                new byte[0], List.of()));
        return tpm.execute(new Load(parent, EMPTY, created.outPrivate(), created.outPublic()));
    }

    /** A transport that keeps every command and response passing through it. */
    private static final class Recording implements TpmTransport {
        private final TpmTransport inner;
        private final List<String[]> exchanges = new ArrayList<>();

        Recording(TpmTransport inner) {
            this.inner = inner;
        }

        @Override
        public byte[] transmit(byte[] command) {
            byte[] response = inner.transmit(command);
            String name = TpmCc.of(TpmHeader.commandCode(command)).map(TpmCc::specName).orElseThrow();
            exchanges.add(new String[] {name, HEX.formatHex(command), HEX.formatHex(response)});
            return response;
        }
    }

    private static void print(SessionReplayTest.Keys keys, List<String[]> exchanges) {
        System.out.printf("    static final Keys RECORDED_KEYS = new Keys(%n            0x%08x, HEX.parseHex(\"%s\"),%n"
                        + "            0x%08x, HEX.parseHex(\"%s\"));%n%n", keys.handleA(), HEX.formatHex(keys.nameA()),
                keys.handleB(), HEX.formatHex(keys.nameB()));
        System.out.println("    static final List<Recorded> RECORDED = List.of(");
        for (int i = 0; i < exchanges.size(); i++) {
            String[] e = exchanges.get(i);
            System.out.println("            new Recorded(\"" + e[0] + "\", \"\"\"");
            System.out.println(block(e[1]) + INDENT + "\"\"\", \"\"\"");
            System.out.println(block(e[2]) + INDENT + "\"\"\")" + (i + 1 < exchanges.size() ? "," : ");"));
        }
    }

    private static String block(String hex) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < hex.length(); i += LINE) {
            out.append(INDENT).append(hex, i, Math.min(hex.length(), i + LINE)).append('\n');
        }
        return out.toString();
    }
}
