package io.tpm4j.api.commands;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.testing.CommandRecords;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tpm4j.api.commands.Parameter.list;
import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structure;
import static io.tpm4j.api.commands.Parameter.structures;
import static io.tpm4j.api.commands.Parameter.u16;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each command record sends, and that whether its first parameter is sized follows from its declaration. */
class CommandDeclarationsTest {

    /** Whether a Part 3 parameter, written {@code name:TYPE} or "-" for none, is a TPM2B. */
    private record Part3Facts(String firstCommandParameter, String firstResponseParameter) {
        boolean commandSized() {
            return firstCommandParameter.contains(":TPM2B_");
        }

        boolean responseSized() {
            return firstResponseParameter.contains(":TPM2B_");
        }
    }

    private static List<String> resource(String name) throws IOException {
        try (InputStream in = CommandDeclarationsTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        }
    }

    private static Map<String, Part3Facts> part3() throws IOException {
        Map<String, Part3Facts> facts = new LinkedHashMap<>();
        for (String line : resource("part3-first-parameters.txt")) {
            String[] columns = line.trim().split("\\s+");
            assertEquals(3, columns.length, line);
            assertEquals(null, facts.put(columns[0], new Part3Facts(columns[1], columns[2])), "twice: " + line);
        }
        return facts;
    }

    /**
     * Every record, at its placeholder and at the samples, still reports the flag it had when it was
     * hand-written and writes the same parameter bytes.
     */
    @Test
    void everyRecordSendsWhatItSentBeforeItsParametersWereDeclared() throws IOException {
        List<String> before = resource(CommandFrames.BEFORE_DECLARATIONS);
        List<String> now = CommandFrames.table();
        assertEquals(before.size(), now.size(), "instances");
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < before.size(); i++) {
            if (!before.get(i).equals(now.get(i))) {
                changed.add("was " + before.get(i) + "\nnow " + now.get(i));
            }
        }
        assertEquals(List.of(), changed);
    }

    /** The flags a session's decrypt and encrypt attributes depend on, against the types Part 3 gives. */
    @Test
    void everyRecordAgreesWithPart3OnWhichFirstParametersAreSized() throws IOException {
        Map<String, Part3Facts> part3 = part3();
        List<String> wrong = new ArrayList<>();
        for (TpmCommand<?> command : CommandRecords.byCode().values()) {
            String name = command.code().specName();
            Part3Facts facts = part3.remove(name);
            if (facts == null) {
                wrong.add(name + " is not in part3-first-parameters.txt");
                continue;
            }
            if (command.firstCommandParameterSized() != facts.commandSized()) {
                wrong.add(name + " firstCommandParameterSized=" + command.firstCommandParameterSized()
                        + " but its first parameter is " + facts.firstCommandParameter());
            }
            if (command.firstResponseParameterSized() != facts.responseSized()) {
                wrong.add(name + " firstResponseParameterSized=" + command.firstResponseParameterSized()
                        + " but its first response parameter is " + facts.firstResponseParameter());
            }
        }
        part3.keySet().forEach(name -> wrong.add(name + " has no record"));
        assertEquals(List.of(), wrong);
    }

    /** The parameter bytes and the sized flag have one source: no record can state them apart. */
    @Test
    void noRecordOverridesWhatItsLayoutDeclares() {
        List<String> overrides = new ArrayList<>();
        for (Class<?> record : CommandRecords.classes()) {
            for (var method : record.getDeclaredMethods()) {
                if (List.of("writeParameters", "firstCommandParameterSized", "firstResponseParameterSized", "code",
                        "handles", "returnsHandle").contains(method.getName())) {
                    overrides.add(record.getSimpleName() + "." + method.getName());
                }
            }
        }
        assertEquals(List.of(), overrides);
    }

    /** A command that is not in Part 3, to show the flag following the declaration. */
    private record TestOnly(Parameter... declared) implements NoResponseCommand {
        @Override
        public CommandLayout layout() {
            return CommandLayout.of(TpmCc.STIR_RANDOM).parameters(declared);
        }
    }

    @Test
    void aTpm2bFirstIsReportedSizedAndAnythingElseFirstIsNot() {
        byte[] secret = {1, 2, 3};
        assertTrue(new TestOnly(sized(secret), u16(7)).firstCommandParameterSized());
        assertTrue(new TestOnly(sized(Templates.eccSigningKey()), u16(7)).firstCommandParameterSized());
        assertTrue(new TestOnly(Parameter.emptyBuffer(), sized(secret)).firstCommandParameterSized());
        // The same secret behind a number, a structure or a list is not the first parameter a session encrypts.
        assertFalse(new TestOnly(u16(7), sized(secret)).firstCommandParameterSized());
        assertFalse(new TestOnly(structure(Scheme.NULL::write), sized(secret)).firstCommandParameterSized());
        assertFalse(new TestOnly(list(List.of(secret), Parameter::sized)).firstCommandParameterSized());
        assertFalse(new TestOnly().firstCommandParameterSized());
    }

    @Test
    void theBytesFollowTheSameDeclaration() {
        TestOnly command = new TestOnly(sized(new byte[] {9, 8}), u16(0x0102),
                structures(List.of(PcrSelection.of(TpmAlg.SHA256, 1)), PcrSelection::write));
        TpmWriter out = new TpmWriter();
        command.writeParameters(out);
        assertEquals("0002" + "0908" + "0102" + "00000001" + "000b" + "03" + "020000",
                java.util.HexFormat.of().formatHex(out.toByteArray()));
    }

    @Test
    void theChallengeConstructorActivatesWhatMakeCredentialMade() {
        MakeCredential.Response challenge = new MakeCredential.Response(new byte[] {1, 2}, new byte[] {3});
        Authorization auth = Authorization.emptyPassword();
        assertEquals(CommandFrames.line("", new ActivateCredential(1, auth, 2, auth, new byte[] {1, 2}, new byte[] {3})),
                CommandFrames.line("", new ActivateCredential(1, auth, 2, auth, challenge)));
    }

    private static byte[] response(byte... parameters) {
        TpmWriter out = new TpmWriter().u16(TpmHeader.ST_NO_SESSIONS).u32(0).u32(0).bytes(parameters);
        return out.u32At(2, out.size()).toByteArray();
    }

    @Test
    void aCommandWithoutResponseParametersGetsTheSharedEmptyResponseAndRefusesParameters() {
        assertSame(NoResponse.INSTANCE, Tpm.on(command -> response()).execute(new FlushContext(0x80000001)));
        TpmProtocolException e = assertThrows(TpmProtocolException.class,
                () -> Tpm.on(command -> response((byte) 0, (byte) 1)).execute(new FlushContext(0x80000001)));
        assertTrue(e.getMessage().startsWith("TPM2_FlushContext response: response parameters has 2 unexpected"),
                e.getMessage());
    }
}
