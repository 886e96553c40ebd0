package io.tpm4j.examples.https;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.tpm4j.jca.Tpm4jProvider;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.Security;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509KeyManager;

/**
 * HTTPS on the loopback address with the key and chain of a {@code TPM} key store alias, through the JDK's own
 * TLS: KeyManagerFactory "SunX509" over the key store, an SSLContext, the JDK's HTTPS server. The JDK's TLS code
 * never names tpm4j: it asks for a Signature by algorithm and the key (a TPM key) picks the provider.
 */
final class Serve {

    static final String ANSWER = "hello from a key held by the TPM\n";

    private Serve() {
    }

    static void run(String tpm, String alias, int port) throws Exception {
        Tpm4jProvider provider = new Tpm4jProvider().configure(tpm);
        // Registered, so that TLS's Signature.getInstance(...) without a provider name can find it for a TPM key.
        Security.addProvider(provider);
        KeyStore store = KeyStore.getInstance("TPM", provider);
        store.load(null, null);
        // Reading the key checks it now and makes the store list the file: alias, which SunX509 looks through.
        if (store.getKey(alias, Setup.NO_PASSWORD) == null) {
            throw new IllegalStateException(alias + " is no key in the TPM key store: run setup first");
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
        factory.init(store, Setup.NO_PASSWORD);
        KeyManager[] managers = factory.getKeyManagers();
        if (((X509KeyManager) managers[0]).getCertificateChain(alias) == null) {
            throw new IllegalStateException("SunX509 found no key and chain for " + alias
                    + " among the key store's aliases " + java.util.Collections.list(store.aliases()));
        }
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(managers, null, null);

        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", Serve::answer);
        server.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            provider.close();
            stopped.countDown();
        }, "https-example-stop"));
        // run-https-check reads the port from this line.
        System.out.println("serving https://localhost:" + server.getAddress().getPort() + "/");
        System.out.flush();
        stopped.await();
    }

    private static void answer(HttpExchange exchange) throws IOException {
        byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
