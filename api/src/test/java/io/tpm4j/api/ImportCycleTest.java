package io.tpm4j.api;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * api's files import each other without cycles, so that a layer can be read, tested and changed on its own: the
 * engine does not reach back into the facade, nor a session into the engine.
 */
class ImportCycleTest {

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern IMPORT = Pattern.compile("^import (io\\.tpm4j\\.api[\\w.]*\\.[A-Z]\\w*);", Pattern.MULTILINE);

    /** Each api class by name, with the api classes its file imports. */
    private static Map<String, Set<String>> imports() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String name = SOURCES.relativize(file).toString().replace('/', '.').replaceAll("\\.java$", "");
                Set<String> targets = new HashSet<>();
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    targets.add(m.group(1));
                }
                graph.put(name, targets);
            }
        }
        return graph;
    }

    @Test
    void noFileOfApiImportsItselfBackThroughOthers() throws IOException {
        Map<String, Set<String>> graph = imports();
        assertTrue(graph.size() > 100, "api's sources were not found under " + SOURCES.toAbsolutePath());
        assertEquals(List.of(), cycles(graph), "import cycles between api's files");
    }

    @Test
    void sessionsDoNotKnowTheFacade() throws IOException {
        Map<String, Set<String>> graph = imports();
        assertFalse(graph.get("io.tpm4j.api.session.AuthSession").contains("io.tpm4j.api.Tpm"));
        assertFalse(graph.get("io.tpm4j.api.CommandExecutor").contains("io.tpm4j.api.Tpm"));
    }

    /** The strongly connected groups of more than one file (Tarjan), each listed in order. */
    private static List<List<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        List<List<String>> out = new ArrayList<>();
        int[] next = {0};
        for (String start : graph.keySet()) {
            if (!index.containsKey(start)) {
                connect(start, graph, index, low, stack, onStack, out, next);
            }
        }
        return out;
    }

    private static void connect(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
                                Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                                List<List<String>> out, int[] next) {
        index.put(v, next[0]);
        low.put(v, next[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!graph.containsKey(w)) {
                continue;
            }
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, onStack, out, next);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> group = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                group.add(w);
            } while (!w.equals(v));
            if (group.size() > 1) {
                out.add(group.stream().sorted().toList());
            }
        }
    }
}
