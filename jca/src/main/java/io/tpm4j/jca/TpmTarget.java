package io.tpm4j.jca;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.transport.MssimTransport;
import io.tpm4j.api.transport.SocketTransport;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.ffi.TpmDevices;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.TpmChip;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Which TPM a provider uses, as its configuration string names it:
 * <ul>
 *   <li>{@code device:/dev/tpmrm0}: the kernel's resource manager;</li>
 *   <li>{@code device:/dev/tpm0} (any device not named tpmrm*): the raw device, with tpm4j's resource manager
 *   in-process on top (the provider needs the device to itself);</li>
 *   <li>{@code unix:PATH}: tpm4j's server ({@code ./tpm4j serve --raw unix:PATH}), raw TPM commands;</li>
 *   <li>{@code mssim:host=H,port=P} or {@code mssim:path=P}: an mssim server (tpm4j's, swtpm's TCP channel, the
 *   Microsoft and IBM simulators); host defaults to 127.0.0.1 and port to 2321, as tpm2-tss's TCTI;</li>
 *   <li>{@code swtpm}: a private swtpm, with tpm4j's resource manager in-process, for tests; stopped when the
 *   provider closes.</li>
 * </ul>
 */
sealed interface TpmTarget {

    /** How long the socket transports wait for a response. */
    CommandTimeouts TIMEOUTS = CommandTimeouts.kernelDefaults();

    /** The opened TPM: the transport the provider uses, and what closing it must close after it. */
    record Backend(TpmTransport transport, String description, List<AutoCloseable> owned) implements AutoCloseable {
        @Override
        public void close() {
            RuntimeException failure = null;
            List<AutoCloseable> all = new ArrayList<>();
            all.add(transport);
            all.addAll(owned);
            for (AutoCloseable c : all) {
                try {
                    c.close();
                } catch (Exception e) {
                    if (failure == null) {
                        failure = new IllegalStateException("closing " + description + " failed: " + e.getMessage(), e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    Backend open();

    record Device(Path path) implements TpmTarget {
        public Backend open() {
            LinuxTpmDevice device = LinuxTpmDevice.open(path);
            String name = path.getFileName() == null ? "" : path.getFileName().toString();
            if (name.startsWith("tpmrm")) {
                return new Backend(device, "device:" + path, List.of());
            }
            return withResourceManager(device, "device:" + path);
        }

        @Override
        public String toString() {
            return "device:" + path;
        }
    }

    record Unix(Path path) implements TpmTarget {
        public Backend open() {
            return new Backend(SocketTransport.connectUnix(path, TIMEOUTS), toString(), List.of());
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }

    record Mssim(String host, int port, Path path) implements TpmTarget {
        public Backend open() {
            TpmTransport t = path != null ? MssimTransport.connectUnix(path, TIMEOUTS)
                    : MssimTransport.connectTcp(host, port, TIMEOUTS);
            return new Backend(t, toString(), List.of());
        }

        @Override
        public String toString() {
            return path != null ? "mssim:path=" + path : "mssim:host=" + host + ",port=" + port;
        }
    }

    record PrivateSwtpm() implements TpmTarget {
        public Backend open() {
            Swtpm swtpm = Swtpm.startChardev();
            try {
                Backend rm = withResourceManager(swtpm.transport(), "swtpm (pid " + swtpm.pid() + ")");
                List<AutoCloseable> owned = new ArrayList<>(rm.owned());
                owned.add(swtpm);
                return new Backend(rm.transport(), rm.description(), List.copyOf(owned));
            } catch (RuntimeException e) {
                swtpm.close();
                throw e;
            }
        }

        @Override
        public String toString() {
            return "swtpm";
        }
    }

    /** A resource manager over {@code raw}, and a space of it for the provider. */
    private static Backend withResourceManager(TpmTransport raw, String description) {
        TpmChip chip = TpmChip.over(raw, description);
        try {
            ResourceManager rm = ResourceManager.over(chip);
            return new Backend(rm.openSpace("tpm4j provider"), description, List.of(rm, chip));
        } catch (RuntimeException e) {
            chip.close();
            throw e;
        }
    }

    /** The TPM named by the system property {@code tpm4j.tpm}, else the machine's default device (/dev/tpmrmN). */
    static TpmTarget byDefault() {
        String configured = System.getProperty("tpm4j.tpm");
        if (configured != null && !configured.isBlank()) {
            return parse(configured);
        }
        return new Device(TpmDevices.requireDefaultDevice());
    }

    /**
     * Parses a configuration string (see the type's description). A leading {@code --} is ignored, as
     * SunPKCS11 uses it to mark an inline configuration.
     *
     * @throws IllegalArgumentException naming what is wrong and what is accepted
     */
    static TpmTarget parse(String text) {
        Objects.requireNonNull(text, "configuration");
        String s = text.strip();
        if (s.startsWith("--")) {
            s = s.substring(2).strip();
        }
        if (s.equals("swtpm")) {
            return new PrivateSwtpm();
        }
        if (s.startsWith("device:")) {
            return new Device(Path.of(nonEmpty(s.substring(7), text, "a device path")));
        }
        if (s.startsWith("unix:")) {
            return new Unix(Path.of(nonEmpty(s.substring(5), text, "a socket path")));
        }
        if (s.startsWith("mssim:") || s.equals("mssim")) {
            return mssim(s.length() > 6 ? s.substring(6) : "", text);
        }
        throw new IllegalArgumentException("'" + text + "' is not a tpm4j TPM configuration: use device:/dev/tpmrm0, "
                + "device:/dev/tpm0, unix:PATH, mssim:host=H,port=P, mssim:path=P or swtpm");
    }

    private static TpmTarget mssim(String options, String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : options.isEmpty() ? new String[0] : options.split(",")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair.strip() : pair.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            if (eq < 0 || !List.of("host", "port", "path").contains(key)) {
                throw new IllegalArgumentException("'" + text + "': mssim options are host=H, port=P or path=P, not '"
                        + pair + "'");
            }
            if (values.put(key, nonEmpty(pair.substring(eq + 1).strip(), text, key)) != null) {
                throw new IllegalArgumentException("'" + text + "': " + key + " is given twice");
            }
        }
        if (values.containsKey("path")) {
            if (values.size() > 1) {
                throw new IllegalArgumentException("'" + text + "': path= names a Unix socket; host= and port= do not go with it");
            }
            return new Mssim(null, 0, Path.of(values.get("path")));
        }
        int port;
        try {
            port = Integer.parseInt(values.getOrDefault("port", "2321"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': port '" + values.get("port") + "' is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "': port " + port + " is not 1 to 65535");
        }
        return new Mssim(values.getOrDefault("host", "127.0.0.1"), port, null);
    }

    private static String nonEmpty(String value, String text, String what) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("'" + text + "' lacks " + what);
        }
        return value;
    }
}
