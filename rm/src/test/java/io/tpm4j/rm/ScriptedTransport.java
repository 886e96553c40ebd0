package io.tpm4j.rm;

import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.wire.BigEndian;
import io.tpm4j.api.wire.TpmHeader;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A backend in front of a real TPM that answers chosen commands itself, each once, with a response code the test
 * picks: for faults a TPM gives only in states a test cannot reach quickly (TPM_RC_CONTEXT_GAP needs some 65,000
 * context saves on swtpm). Everything else reaches the TPM. Logs every command it is given.
 */
final class ScriptedTransport implements TpmTransport {

    private record Fault(Predicate<byte[]> when, TpmRc answer) {
    }

    private final TpmTransport device;
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<byte[]> commands = new CopyOnWriteArrayList<>();

    ScriptedTransport(TpmTransport device) {
        this.device = device;
    }

    /** The next command that {@code when} matches gets {@code answer} and does not reach the TPM. */
    void answerOnce(Predicate<byte[]> when, TpmRc answer) {
        faults.add(new Fault(when, answer));
    }

    /** Matches TPM2_ContextSave of {@code handle}. */
    static Predicate<byte[]> contextSaveOf(int handle) {
        return command -> TpmHeader.commandCode(command) == TpmCc.CONTEXT_SAVE.value()
                && BigEndian.u32(command, TpmHeader.SIZE) == handle;
    }

    /** How many TPM2_ContextSave commands of {@code handle} were given since the log was last cleared. */
    long contextSavesOf(int handle) {
        return commands.stream().filter(contextSaveOf(handle)).count();
    }

    void clearLog() {
        commands.clear();
    }

    @Override
    public byte[] transmit(byte[] command) {
        commands.add(command.clone());
        for (Fault fault : faults) {
            if (fault.when().test(command) && faults.remove(fault)) {
                return TpmHeader.headerOnlyResponse(fault.answer().value());
            }
        }
        return device.transmit(command);
    }

    /** Whether every scripted answer was given. */
    boolean scriptDone() {
        return faults.isEmpty();
    }

    @Override
    public void close() {
        device.close();
    }
}
