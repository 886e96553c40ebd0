package io.tpm4j.bench.rm;

import io.tpm4j.rm.RmCounters;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Client and TPM commands, counted as operations so JMH reports both at the same rate. */
@AuxCounters(AuxCounters.Type.OPERATIONS)
@State(Scope.Thread)
public class CommandCounts {
    public long clientCommands;
    public long tpmCommands;

    void add(RmCounters spent) {
        clientCommands += spent.clientCommands();
        tpmCommands += spent.tpmCommands();
    }
}
