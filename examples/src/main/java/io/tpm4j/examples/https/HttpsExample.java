package io.tpm4j.examples.https;

import java.util.Arrays;

/**
 * An HTTPS server whose private key never leaves the TPM, in two steps:
 * <pre>
 * java -jar tpm4j-https-example.jar setup TPM file:/abs/key.pem CA_CERT CA_KEY
 * java -jar tpm4j-https-example.jar serve TPM file:/abs/key.pem [PORT]
 * </pre>
 * {@code TPM} is a tpm4j provider configuration ({@code device:/dev/tpmrm0}, {@code unix:PATH} for
 * {@code ./tpm4j serve --raw unix:PATH}, {@code mssim:host=H,port=P}); the key must outlive the process, so not
 * {@code swtpm}, whose private TPM ends with it. {@link Setup} makes the key, its certificate and stores both;
 * {@link Serve} serves them.
 */
public final class HttpsExample {

    private HttpsExample() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "";
        String[] rest = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
        switch (mode) {
            case "setup" -> {
                if (rest.length != 4) {
                    usage();
                }
                Setup.run(rest[0], rest[1], rest[2], rest[3]);
            }
            case "serve" -> {
                if (rest.length != 2 && rest.length != 3) {
                    usage();
                }
                Serve.run(rest[0], rest[1], rest.length == 3 ? Integer.parseInt(rest[2]) : 0);
            }
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("""
                usage: setup TPM file:/abs/key.pem CA_CERT CA_KEY   a TPM key, its certificate from the CA (openssl),
                                                                    stored as key.pem with its chain alongside
                       serve TPM file:/abs/key.pem [PORT]           HTTPS on 127.0.0.1:PORT (0 or none: any free port)
                TPM: device:/dev/tpmrm0, unix:PATH (./tpm4j serve --raw unix:PATH) or mssim:host=H,port=P""");
        System.exit(2);
    }
}
