package io.tpm4j.rm.server;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the server listens and which protocol it speaks there: {@code tcp:HOST:PORT} or {@code unix:PATH}.
 * An mssim endpoint is two sockets, the TPM command socket and the platform socket beside it (TCP: PORT and
 * PORT+1; Unix: PATH and PATH.ctrl), as tpm2-tss's mssim TCTI expects.
 */
public record Endpoint(Protocol protocol, Address address) {

    /** The wire protocols. */
    public enum Protocol {
        /** The Microsoft TPM 2.0 simulator's protocol (tpm2-tss's {@code mssim} TCTI). */
        MSSIM,
        /** Raw TPM command and response packets on one persistent connection (swtpm's data channel). */
        RAW,
        /** One line of JSON describing the server's state, then the connection closes. */
        HEALTH
    }

    /** A TCP host and port, or a Unix socket path. */
    public sealed interface Address permits Tcp, Unix {
        /** Parses {@code tcp:HOST:PORT} or {@code unix:PATH}. */
        static Address parse(String text) {
            if (text.startsWith("unix:") && text.length() > 5) {
                return new Unix(Path.of(text.substring(5)));
            }
            if (text.startsWith("tcp:")) {
                int colon = text.lastIndexOf(':');
                if (colon > 4) {
                    String host = text.substring(4, colon);
                    try {
                        return new Tcp(host, Integer.parseInt(text.substring(colon + 1)));
                    } catch (NumberFormatException e) {
                        // Falls through to the message below.
                    }
                }
            }
            throw new IllegalArgumentException("'" + text + "' is not an address: use tcp:HOST:PORT or unix:PATH");
        }
    }

    public record Tcp(String host, int port) implements Address {
        public Tcp {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65534) {
                throw new IllegalArgumentException("TCP port " + port + " out of range (0 to 65534: mssim also uses port+1)");
            }
        }

        /**
         * Whether {@link #host} is a loopback address (127.0.0.0/8, ::1, or a name resolving to one), reachable
         * only from this host's network namespace.
         *
         * @throws IllegalArgumentException when the host cannot be resolved
         */
        public boolean isLoopback() {
            try {
                return java.net.InetAddress.getByName(host).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException(this + ": cannot resolve host: " + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "tcp:" + host + ":" + port;
        }
    }

    public record Unix(Path path) implements Address {
        public Unix {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }

    public Endpoint {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
    }

    public static Endpoint mssim(String address) {
        return new Endpoint(Protocol.MSSIM, Address.parse(address));
    }

    public static Endpoint raw(String address) {
        return new Endpoint(Protocol.RAW, Address.parse(address));
    }

    public static Endpoint health(String address) {
        return new Endpoint(Protocol.HEALTH, Address.parse(address));
    }

    @Override
    public String toString() {
        return protocol.name().toLowerCase(java.util.Locale.ROOT) + " " + address;
    }
}
