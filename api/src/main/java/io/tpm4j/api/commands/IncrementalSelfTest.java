package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import java.util.ArrayList;
import java.util.List;

import static io.tpm4j.api.commands.Parameter.list;

/** TPM2_IncrementalSelfTest (Part 3, section 10.3): tests the listed algorithms; returns those still to test. */
public record IncrementalSelfTest(List<Integer> toTest) implements TpmCommand<IncrementalSelfTest.Response> {

    public IncrementalSelfTest {
        toTest = List.copyOf(toTest);
    }

    public record Response(List<Integer> toDoList) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.INCREMENTAL_SELF_TEST).parameters(list(toTest, Parameter::u16));
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(readAlgorithms(in));
    }

    /** TPML_ALG. */
    private static List<Integer> readAlgorithms(TpmReader in) {
        int n = in.count(128, 2, "TPML_ALG");
        List<Integer> algorithms = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            algorithms.add(in.u16("TPML_ALG[" + i + "]"));
        }
        return List.copyOf(algorithms);
    }
}
