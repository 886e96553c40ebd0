package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.types.CommandAttributes;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.testhw.LeakCheck;
import io.tpm4j.testhw.SuiteContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every command the TPM advertises (TPM_CAP_COMMANDS), made to do its real work through tpm4j's typed calls.
 * A command passes when the exercise it belongs to ran cleanly and the recorded traffic shows the command sent
 * and answered as it should be: TPM_RC_SUCCESS, except where the spec says otherwise (see {@link #accepted}).
 */
@ExtendWith(LeakCheck.class)
public class EveryCommandTest {

    /** What one exercise did: the commands it sent with their answers, and what it threw (or null). */
    private record Run(List<CommandLog.Exchange> exchanges, Throwable failure) {
    }

    private final SuiteContext context = SuiteContext.current();

    @TestFactory
    Stream<DynamicTest> everyAdvertisedCommand() {
        CommandLog log = new CommandLog(context.tpm().transport());
        List<Integer> advertised = context.tpm().commands().stream().map(CommandAttributes::commandCode).toList();
        Set<TpmCc> known = advertised.stream().flatMap(code -> TpmCc.of(code).stream()).collect(Collectors.toSet());
        Map<TpmCc, Exercises.Exercise> byCommand = new HashMap<>();
        for (Exercises.Exercise exercise : Exercises.all(context.target(), known::contains)) {
            for (TpmCc cc : exercise.commands()) {
                if (byCommand.put(cc, exercise) != null) {
                    throw new IllegalStateException(cc.specName() + " belongs to two exercises");
                }
            }
        }
        // Each exercise runs once, for the first of its commands; the others read what it recorded.
        Map<Exercises.Exercise, Run> runs = new HashMap<>();
        return advertised.stream().map(code -> {
            String name = TpmCc.of(code).map(TpmCc::specName).orElse(String.format("0x%08x", code));
            return DynamicTest.dynamicTest(name, () -> {
                TpmCc cc = TpmCc.of(code).orElseThrow(() -> new AssertionError(
                        "the TPM advertises command " + name + ", which tpm4j has no name (and no typed call) for"));
                Exercises.Exercise exercise = byCommand.get(cc);
                if (exercise == null) {
                    throw new AssertionError("tpm4j has no exercise for " + name);
                }
                context.cannotRun(exercise.needs()).ifPresent(Assumptions::abort);
                check(cc, exercise, runs.computeIfAbsent(exercise, e -> run(e, log)));
            });
        });
    }

    /** Runs {@code exercise} on its own {@code Tpm} over the log, and fails it if it leaves anything loaded. */
    private Run run(Exercises.Exercise exercise, CommandLog log) {
        Tpm tpm = context.tpm();
        List<Integer> before = LeakCheck.loaded(tpm);
        int mark = log.size();
        Throwable failure = null;
        try {
            // A Tpm of its own: Clear or ChangeEPS in one exercise must not trip the SRK another one trusted.
            // Closing it flushes its secret channel; the log's close leaves the TPM's transport open.
            try (Tpm own = Tpm.on(log)) {
                exercise.work().run(own);
            }
            List<Integer> left = new ArrayList<>(LeakCheck.loaded(tpm));
            left.removeAll(before);
            if (!left.isEmpty()) {
                failure = new AssertionError("the exercise left handles loaded: "
                        + left.stream().map(h -> String.format("0x%08x", h)).toList());
            }
        } catch (Exception | AssertionError e) {
            failure = e;
        }
        return new Run(log.since(mark), failure);
    }

    private static void check(TpmCc cc, Exercises.Exercise exercise, Run run) {
        String name = cc.specName();
        if (run.failure() != null) {
            throw new AssertionError("exercise '" + exercise.name() + "' failed: " + run.failure().getMessage(),
                    run.failure());
        }
        List<Integer> answers = run.exchanges().stream().filter(e -> e.commandCode() == cc.value())
                .map(CommandLog.Exchange::responseCode).toList();
        if (answers.isEmpty()) {
            throw new AssertionError("exercise '" + exercise.name() + "' never sent " + name);
        }
        if (answers.stream().noneMatch(rc -> accepted(cc, new ResponseCode(rc)))) {
            throw new AssertionError(name + " was answered " + answers.stream().distinct()
                    .map(rc -> new ResponseCode(rc).describe()).collect(Collectors.joining("; ")));
        }
    }

    /**
     * The right answer to {@code cc}. TPM2_Startup on a running TPM must be refused with TPM_RC_INITIALIZE (the
     * suite's TPM is started before it runs). TPM2_PP_Commands needs physical presence, which software cannot
     * assert; TPM_RC_PP says the TPM checked everything before it (swtpm gives exactly that).
     */
    private static boolean accepted(TpmCc cc, ResponseCode answer) {
        return switch (cc) {
            case STARTUP -> answer.is(TpmRc.INITIALIZE);
            case PP_COMMANDS -> answer.isSuccess() || answer.is(TpmRc.PP);
            default -> answer.isSuccess();
        };
    }
}
