package io.tpm4j.rm;

/**
 * What a space or a whole resource manager has done so far: commands from clients, commands that reached the
 * TPM (the client's own plus every context load, save and flush done for it), evictions the RM chose, and
 * commands the RM answered itself with an error. {@link #tpmCommandsPerClientCommand()} is the number to watch:
 * 1.0 means the RM cost the TPM nothing extra.
 */
public record RmCounters(long clientCommands, long tpmCommands, long contextLoads, long contextSaves,
                         long flushes, long evictions, long refusals) {

    /** TPM commands sent per client command; 0 before the first client command. */
    public double tpmCommandsPerClientCommand() {
        return clientCommands == 0 ? 0 : (double) tpmCommands / clientCommands;
    }

    /** The counts since {@code earlier}, a snapshot taken before this one. */
    public RmCounters minus(RmCounters earlier) {
        return new RmCounters(clientCommands - earlier.clientCommands, tpmCommands - earlier.tpmCommands,
                contextLoads - earlier.contextLoads, contextSaves - earlier.contextSaves,
                flushes - earlier.flushes, evictions - earlier.evictions, refusals - earlier.refusals);
    }
}
