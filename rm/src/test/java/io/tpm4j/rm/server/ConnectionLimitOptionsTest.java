package io.tpm4j.rm.server;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The connection limits as the command line sets them: the per-peer bound follows the total unless given. */
class ConnectionLimitOptionsTest {

    private static RmServer.Options parse(String... limits) {
        String[] args = new String[limits.length + 3];
        args[0] = "--swtpm";
        args[1] = "--raw";
        args[2] = "unix:/run/tpm4j/tpm.sock";
        System.arraycopy(limits, 0, args, 3, limits.length);
        return Main.Config.parse(args).server();
    }

    @Test
    void defaultsAndAQuarterOfTheTotalPerPeerUnlessGivenInAnyOrder() {
        RmServer.Options defaults = parse();
        assertEquals(1024, defaults.maxConnections());
        assertEquals(256, defaults.perPeerLimit());
        assertEquals(Duration.ofMinutes(10), defaults.idleTimeout());

        assertEquals(16, parse("--max-connections", "64").perPeerLimit());
        assertEquals(1, parse("--max-connections", "2").perPeerLimit());
        assertEquals(40, parse("--max-connections-per-peer", "40", "--max-connections", "64").perPeerLimit());
        assertEquals(64, parse("--max-connections", "64", "--max-connections-per-peer", "500").perPeerLimit(),
                "never above the total");
        assertEquals(Duration.ZERO, parse("--idle-timeout", "0").idleTimeout());
        assertEquals(Duration.ofSeconds(90), parse("--idle-timeout", "90").idleTimeout());
    }
}
