package io.tpm4j.examples;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.ffi.TpmDevices;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.TpmChip;
import io.tpm4j.rm.server.Endpoint;
import io.tpm4j.rm.server.RmServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every ```java block in README.md and docs/*.md is marked {@code <!-- example: NAME -->} and is, line for line,
 * the region NAME of {@link DocumentedExamples}; and every example runs (against a private swtpm).
 */
class DocumentedExamplesTest {

    private static final Path PROJECT = Path.of("").toAbsolutePath().getParent();
    private static final Path SOURCE = Path.of("src/test/java/io/tpm4j/examples/DocumentedExamples.java").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void everyJavaBlockInTheDocsIsAnExampleThatCompilesAsShown() throws IOException {
        Map<String, String> regions = regions(Files.readAllLines(SOURCE));
        List<String> problems = new ArrayList<>();
        List<String> used = new ArrayList<>();
        List<Path> docs = new ArrayList<>(List.of(PROJECT.resolve("README.md")));
        try (Stream<Path> files = Files.list(PROJECT.resolve("docs"))) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        for (Path doc : docs) {
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).strip().equals("```java")) {
                    continue;
                }
                String marker = i > 0 ? lines.get(i - 1).strip() : "";
                int end = i + 1;
                while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                    end++;
                }
                String block = normalise(lines.subList(i + 1, end));
                String where = PROJECT.relativize(doc) + ":" + (i + 1);
                if (!marker.startsWith("<!-- example: ") || !marker.endsWith(" -->")) {
                    problems.add(where + ": a java block without <!-- example: NAME -->");
                    continue;
                }
                String name = marker.substring("<!-- example: ".length(), marker.length() - " -->".length());
                used.add(name);
                if (!regions.containsKey(name)) {
                    problems.add(where + ": no region '" + name + "' in DocumentedExamples.java");
                } else if (!regions.get(name).equals(block)) {
                    problems.add(where + ": '" + name + "' differs from DocumentedExamples.java:\n--- docs\n" + block
                            + "\n--- source\n" + regions.get(name));
                }
            }
        }
        for (String name : regions.keySet()) {
            if (!used.contains(name)) {
                problems.add("example '" + name + "' is in DocumentedExamples.java but in no document");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void openingTheDefaultDeviceWorksOrSaysThereIsNone() {
        if (TpmDevices.defaultDevice().isPresent()) {
            try (TpmTransport device = DocumentedExamples.openDefaultDevice()) {
                assertEquals(8, Tpm.on(device).getRandom(8).length);
            }
        } else {
            TpmTransportException none = assertThrows(TpmTransportException.class, DocumentedExamples::openDefaultDevice);
            assertTrue(none.getMessage().contains("no TPM"), none.getMessage());
        }
    }

    @Test
    void firstStepsSignAndJcaVerifies() throws Exception {
        try (Swtpm swtpm = Swtpm.startChardev()) {
            Tpm.on(swtpm.transport()).startupIfNeeded();
            // The example closes its Tpm, and with it the transport: give it one that leaves the device open.
            TpmTransport device = swtpm.transport();
            DocumentedExamples.firstSteps(device::transmit);
            assertNothingLoaded(Tpm.on(swtpm.transport()));
        }
    }

    @Test
    void sealingAndSessions() throws Exception {
        try (Swtpm swtpm = Swtpm.startChardev()) {
            Tpm tpm = Tpm.on(swtpm.transport());
            tpm.startupIfNeeded();
            assertEquals(32, DocumentedExamples.sealAndSessions(tpm).length);
            assertNothingLoaded(tpm);
        }
    }

    @Test
    void nvIndex() {
        try (Swtpm swtpm = Swtpm.startChardev()) {
            Tpm tpm = Tpm.on(swtpm.transport());
            tpm.startupIfNeeded();
            assertArrayEquals("kept across reboots".getBytes(), DocumentedExamples.nvIndex(tpm));
            assertNothingLoaded(tpm);
            assertEquals(List.of(), tpm.handles(TpmHt.NV_INDEX), "the example undefines its index");
        }
    }

    @Test
    void resourceManagerInProcess() {
        try (Swtpm swtpm = Swtpm.startChardev()) {
            assertEquals(1, DocumentedExamples.resourceManager(swtpm.transport()));
        }
    }

    @Test
    void aJvmUsesTheServerLikeADevice() {
        Path socket = dir.resolve("tpm.sock");
        try (Swtpm swtpm = Swtpm.startChardev(); TpmChip chip = TpmChip.over(swtpm.transport(), "swtpm");
             ResourceManager rm = ResourceManager.over(chip);
             RmServer server = RmServer.start(rm, List.of(Endpoint.raw("unix:" + socket)), RmServer.Options.defaults())) {
            assertEquals(16, DocumentedExamples.serverClient(socket).length);
        }
    }

    private static void assertNothingLoaded(Tpm tpm) {
        assertEquals(List.of(), tpm.handles(TpmHt.TRANSIENT), "the example left objects loaded");
        assertEquals(List.of(), tpm.loadedSessions(), "the example left sessions loaded");
    }

    /** The regions between "// example: NAME" and "// end NAME", normalised. */
    private static Map<String, String> regions(List<String> source) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < source.size(); i++) {
            String line = source.get(i).strip();
            if (line.startsWith("// example: ")) {
                String name = line.substring("// example: ".length());
                int end = i + 1;
                while (!source.get(end).strip().equals("// end " + name)) {
                    end++;
                }
                out.put(name, normalise(source.subList(i + 1, end)));
            }
        }
        return out;
    }

    /** Common indentation and trailing blanks removed, so docs and source compare as shown. */
    private static String normalise(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line.isBlank() ? "" : line.substring(indent).stripTrailing()).append('\n');
        }
        return out.toString().strip();
    }
}
