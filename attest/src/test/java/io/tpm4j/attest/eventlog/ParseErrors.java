package io.tpm4j.attest.eventlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks that a bad log is refused with the problem and the offset it is at. */
final class ParseErrors {

    private ParseErrors() {
    }

    static EventLogException firmware(byte[] log) {
        return assertThrows(EventLogException.class, () -> FirmwareEventLog.parse(log));
    }

    static void expectFirmware(byte[] log, long offset, String problem) {
        check(firmware(log), offset, problem);
    }

    static void expectIma(byte[] list, long offset, String problem) {
        check(assertThrows(EventLogException.class, () -> ImaLog.parse(list)), offset, problem);
    }

    private static void check(EventLogException e, long offset, String problem) {
        assertTrue(e.getMessage().contains(problem), "'" + problem + "' not in: " + e.getMessage());
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().endsWith("(at byte offset " + offset + ")"), e.getMessage());
    }
}
