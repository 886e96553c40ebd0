package io.tpm4j.jca;

import io.tpm4j.api.TpmTransportException;
import io.tpm4j.rm.server.Endpoint;
import io.tpm4j.rm.server.RmServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Signature;
import java.util.List;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Configuration strings: parsed with clear errors; the unconfigured provider touches nothing until used; and
 * providers configured for tpm4j's server (raw Unix socket, mssim over TCP and Unix) and a private swtpm sign what
 * the JDK verifies.
 */
class ConfigurationTest extends WithProvider {

    @TempDir
    Path dir;

    @Test
    void configurationStringsAreParsedAndBadOnesNamed() {
        assertEquals("device:/dev/tpmrm0", new Tpm4jProvider().configure("device:/dev/tpmrm0").configuration());
        assertEquals("unix:/run/tpm.sock", new Tpm4jProvider().configure("--unix:/run/tpm.sock").configuration());
        assertEquals("mssim:host=127.0.0.1,port=2321", new Tpm4jProvider().configure("mssim:").configuration());
        assertEquals("mssim:host=tpm.local,port=2400",
                new Tpm4jProvider().configure("mssim:host=tpm.local,port=2400").configuration());
        assertEquals("mssim:path=/tmp/sim", new Tpm4jProvider().configure("mssim:path=/tmp/sim").configuration());
        assertEquals("swtpm", new Tpm4jProvider().configure("swtpm").configuration());
        for (String[] bad : new String[][] {
                {"tpm0", "use device:/dev/tpmrm0"},
                {"device:", "lacks a device path"},
                {"mssim:host=h,port=x", "port 'x' is not a number"},
                {"mssim:port=70000", "port 70000 is not 1 to 65535"},
                {"mssim:hots=h", "mssim options are host=H, port=P or path=P"},
                {"mssim:path=/a,port=3", "path= names a Unix socket"},
                {"mssim:port=1,port=2", "port is given twice"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Tpm4jProvider().configure(bad[0]));
            assertTrue(e.getMessage().contains(bad[1]), bad[0] + ": " + e.getMessage());
        }
    }

    @Test
    void theUnconfiguredProviderTouchesNothingUntilUsedThenNamesWhatItCouldNotReach() throws Exception {
        Path missing = dir.resolve("no-server.sock");
        String before = System.getProperty("tpm4j.tpm");
        System.setProperty("tpm4j.tpm", "unix:" + missing);
        try (Tpm4jProvider unconfigured = new Tpm4jProvider()) {
            assertTrue(unconfigured.getServices().size() > 10);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", unconfigured);
            assertFalse(unconfigured.isConnected(), "no TPM touched before a key is made");
            TpmTransportException e = assertThrows(TpmTransportException.class, generator::generateKeyPair);
            assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty("tpm4j.tpm");
            } else {
                System.setProperty("tpm4j.tpm", before);
            }
        }
    }

    @Test
    void serviceLoaderFindsTheProvider() {
        assertTrue(ServiceLoader.load(Provider.class).stream().anyMatch(p -> p.type() == Tpm4jProvider.class));
    }

    private static void signAndVerify(Tpm4jProvider configured) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", configured);
        KeyPair pair = generator.generateKeyPair();
        byte[] message = configured.configuration().getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance("SHA256withECDSA", configured);
        signer.initSign(pair.getPrivate());
        signer.update(message);
        Signature verifier = Signature.getInstance("SHA256withECDSA", "SunEC");
        verifier.initVerify(pair.getPublic());
        verifier.update(message);
        assertTrue(verifier.verify(signer.sign()), configured.configuration());
    }

    @Test
    void providersConfiguredForTpm4jsServerSignOverRawAndMssim() throws Exception {
        Path raw = dir.resolve("raw.sock");
        Path mssim = dir.resolve("mssim.sock");
        try (RmServer server = RmServer.start(rm, List.of(Endpoint.raw("unix:" + raw), Endpoint.mssim("unix:" + mssim),
                Endpoint.mssim("tcp:127.0.0.1:0")), RmServer.Options.defaults())) {
            for (String configuration : List.of("unix:" + raw, "mssim:path=" + mssim,
                    "mssim:host=127.0.0.1,port=" + server.mssimPort().orElseThrow())) {
                try (Tpm4jProvider configured = provider.configure(configuration)) {
                    signAndVerify(configured);
                }
            }
        }
    }

    @Test
    void aPrivateSwtpmProviderSignsAndCloses() throws Exception {
        Tpm4jProvider configured = provider.configure("swtpm");
        signAndVerify(configured);
        configured.close();
        configured.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, configured::connection);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
