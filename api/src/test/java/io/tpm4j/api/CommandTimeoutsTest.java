package io.tpm4j.api;

import io.tpm4j.api.types.TpmCc;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CommandTimeoutsTest {

    @Test
    void kernelDurationsPlusAMargin() {
        CommandTimeouts t = CommandTimeouts.kernelDefaults();
        assertEquals(Duration.ofMillis(3000), t.forCommand(TpmCc.GET_RANDOM.value()));
        assertEquals(Duration.ofMillis(31000), t.forCommand(TpmCc.CREATE_PRIMARY.value()));
        assertEquals(Duration.ofSeconds(121), t.forCommand(TpmCc.FLUSH_CONTEXT.value()));
    }

    @Test
    void fixedMustBePositive() {
        assertEquals(Duration.ofMillis(5), CommandTimeouts.fixed(Duration.ofMillis(5)).forCommand(0));
        assertThrows(IllegalArgumentException.class, () -> CommandTimeouts.fixed(Duration.ZERO));
    }
}
