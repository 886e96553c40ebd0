package io.tpm4j.rm.server;

import io.tpm4j.api.PlatformHierarchy;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.ffi.SocketListener;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.TpmChip;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./tpm4j serve}: one TPM, shared through tpm4j's resource manager with other processes. Prints one line
 * on standard output when it accepts clients; stops cleanly on SIGTERM or SIGINT, flushing everything clients
 * left in the TPM.
 */
public final class Main {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    static final String USAGE = """
            usage: ./tpm4j serve BACKEND LISTENER... [OPTION...]
              backend (one):
                --device PATH           a TPM device: /dev/tpmrm0 or /dev/tpm0
                --swtpm                 a private swtpm, started and stopped with the server
                --swtpm-socket PATH     the data socket of a running `swtpm socket --server type=unixio,path=PATH`
              listeners (any number, at least one):
                --mssim tcp:HOST:PORT   Microsoft-simulator protocol (tpm2-tss mssim TCTI): PORT and PORT+1;
                                        HOST must be a loopback address (127.0.0.1) unless --allow-remote
                --mssim unix:PATH       the same on Unix sockets PATH and PATH.ctrl
                --raw unix:PATH         raw TPM packets on one connection (tpm4j's SocketTransport, tpm2-tss cmd TCTI)
                --health unix:PATH      one line of JSON about the server per connection
              TCP has no access control: any process that can reach the port (other users, containers in the
              network namespace, other hosts) can use the TPM. Prefer Unix sockets, which have a mode and owner.
              options:
                --socket-mode MODE      Unix sockets' mode, octal or rw-rw---- (default 0660)
                --socket-owner USER     --socket-group GROUP   owner and group of the Unix sockets
                --max-connections N     connections with a TPM space (default 1024); platform and health
                                        connections are bounded apart by the same number
                --max-connections-per-peer N   per uid (Unix sockets) or address (TCP), in each of those
                                        (default a quarter of --max-connections: 256)
                --idle-timeout SECONDS  close a connection that sends nothing for that long, flushing what it
                                        held (default 600; 0 = never)
                --max-frame BYTES       (default 4096)
                --max-objects N         --max-sessions N   per connection (default 128, 16)
                --swapping lazy|eager   (default lazy)
                --allow-remote          let --mssim tcp: listen on an address other hosts can reach (0.0.0.0...)
                --keep-platform-hierarchy  on a TPM the server starts (--swtpm, or one not yet started), leave the
                                        platform hierarchy enabled with its empty password, for test rigs; by
                                        default the server disables it after TPM2_Startup, as firmware does
            """;

    private Main() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Parses, starts, and blocks until the JVM is asked to stop; returns a non-zero status on bad arguments. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            out.print(USAGE);
            return 0;
        }
        Config config;
        try {
            config = Config.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("tpm4j serve: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        Running running;
        try {
            running = Running.start(config);
        } catch (TpmException | IllegalArgumentException | IllegalStateException e) {
            err.println("tpm4j serve: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "tpm4j-serve-shutdown"));
        out.println("tpm4j serve: ready: " + String.join(", ", running.server.addresses()) + " (TPM: "
                + running.chip.name() + ")" + tcpWarning(running.server.addresses())
                + running.platformWarning().map(w -> "; warning: " + w).orElse(""));
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** What the ready line adds when a listener is TCP, which has no access control of its own. */
    static String tcpWarning(List<String> addresses) {
        List<String> tcp = addresses.stream().map(a -> a.substring(a.indexOf(' ') + 1)).filter(a -> a.startsWith("tcp:"))
                .toList();
        return tcp.isEmpty() ? "" : "; warning: TCP has no access control: every process that can reach "
                + String.join(", ", tcp) + " can use the TPM (prefer unix:PATH)";
    }

    /** The command line, checked. */
    record Config(String device, boolean swtpm, String swtpmSocket, List<Endpoint> endpoints,
                  RmServer.Options server, ResourceManager.Options rm, PlatformHierarchy platform) {

        static Config parse(String[] args) {
            String device = null;
            String swtpmSocket = null;
            boolean swtpm = false;
            boolean allowRemote = false;
            PlatformHierarchy platform = PlatformHierarchy.DISABLE;
            List<Endpoint> endpoints = new ArrayList<>();
            RmServer.Options server = RmServer.Options.defaults();
            SocketListener.Access access = SocketListener.Access.defaults();
            ResourceManager.Options rm = ResourceManager.Options.defaults();
            Integer maxConnections = null;
            Integer perPeer = null;
            int objects = rm.maxObjectsPerSpace();
            int sessions = rm.maxSessionsPerSpace();
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                if (List.of("--swtpm", "--allow-remote", "--keep-platform-hierarchy").contains(option)) {
                    swtpm |= option.equals("--swtpm");
                    allowRemote |= option.equals("--allow-remote");
                    platform = option.equals("--keep-platform-hierarchy") ? PlatformHierarchy.KEEP : platform;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(option.startsWith("--") ? option + " needs a value" : "unknown argument '" + option + "'");
                }
                String value = args[++i];
                switch (option) {
                    case "--device" -> device = value;
                    case "--swtpm-socket" -> swtpmSocket = value;
                    case "--mssim" -> endpoints.add(Endpoint.mssim(value));
                    case "--raw" -> endpoints.add(Endpoint.raw(value));
                    case "--health" -> endpoints.add(Endpoint.health(value));
                    case "--socket-mode" -> access = access.withMode(value);
                    case "--socket-owner" -> access = access.withOwner(value);
                    case "--socket-group" -> access = access.withGroup(value);
                    case "--max-connections" -> maxConnections = number(option, value);
                    case "--max-connections-per-peer" -> perPeer = number(option, value);
                    case "--idle-timeout" -> server = server.withIdleTimeout(seconds(option, value));
                    case "--max-frame" -> server = server.withMaxFrame(number(option, value));
                    case "--max-objects" -> objects = number(option, value);
                    case "--max-sessions" -> sessions = number(option, value);
                    case "--swapping" -> rm = rm.withSwapping(switch (value) {
                        case "lazy" -> ResourceManager.Swapping.LAZY;
                        case "eager" -> ResourceManager.Swapping.EAGER;
                        default -> throw new IllegalArgumentException("--swapping takes lazy or eager, not '" + value + "'");
                    });
                    default -> throw new IllegalArgumentException("unknown option '" + option + "'");
                }
            }
            int backends = (device != null ? 1 : 0) + (swtpm ? 1 : 0) + (swtpmSocket != null ? 1 : 0);
            if (backends != 1) {
                throw new IllegalArgumentException("name exactly one backend: --device PATH, --swtpm or --swtpm-socket PATH");
            }
            if (endpoints.stream().noneMatch(e -> e.protocol() != Endpoint.Protocol.HEALTH)) {
                throw new IllegalArgumentException("name at least one listener: --mssim ADDRESS or --raw ADDRESS");
            }
            for (Endpoint endpoint : endpoints) {
                RmServer.checkTcp(endpoint, allowRemote);
            }
            if (maxConnections != null) {
                server = server.withMaxConnections(maxConnections)
                        .withMaxConnectionsPerPeer(RmServer.Options.defaultPerPeer(maxConnections));
            }
            if (perPeer != null) {
                server = server.withMaxConnectionsPerPeer(perPeer);
            }
            return new Config(device, swtpm, swtpmSocket, List.copyOf(endpoints), server.withAccess(access).withRemoteClients(allowRemote),
                    rm.withQuotas(objects, sessions), platform);
        }

        private static java.time.Duration seconds(String option, String value) {
            try {
                long n = Long.parseLong(value);
                if (n >= 0) {
                    return java.time.Duration.ofSeconds(n);
                }
            } catch (NumberFormatException e) {
                // Falls through to the message below.
            }
            throw new IllegalArgumentException(option + " takes a number of seconds (0 for none), not '" + value + "'");
        }

        private static int number(String option, String value) {
            try {
                int n = Integer.parseInt(value);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // Falls through to the message below.
            }
            throw new IllegalArgumentException(option + " takes a positive number, not '" + value + "'");
        }
    }

    /** What a started server holds, closed in reverse order, and what the ready line warns about the TPM. */
    record Running(Swtpm swtpm, TpmChip chip, ResourceManager rm, RmServer server, Optional<String> platformWarning)
            implements AutoCloseable {

        static Running start(Config config) {
            Swtpm swtpm = null;
            TpmChip chip = null;
            ResourceManager rm = null;
            try {
                TpmTransport backend;
                String name;
                if (config.swtpm()) {
                    swtpm = Swtpm.startChardev();
                    backend = swtpm.transport();
                    name = "swtpm chardev pid " + swtpm.pid();
                } else if (config.device() != null) {
                    backend = LinuxTpmDevice.open(Path.of(config.device()));
                    name = config.device();
                } else {
                    backend = LinuxTpmDevice.connect(Path.of(config.swtpmSocket()), LinuxTpmDevice.Options.defaults());
                    name = "unix:" + config.swtpmSocket();
                }
                Optional<String> platformWarning = startTpm(backend, config.platform());
                chip = TpmChip.over(backend, name);
                rm = ResourceManager.over(chip, config.rm());
                RmServer server = RmServer.start(rm, config.endpoints(), config.server());
                return new Running(swtpm, chip, rm, server, platformWarning);
            } catch (RuntimeException e) {
                new Running(swtpm, chip, rm, null, Optional.empty()).close();
                throw e;
            }
        }

        /**
         * Sends TPM2_Startup if nobody has, then does firmware's duty unless told to keep the platform hierarchy.
         * A TPM somebody else started is left as it is (the server is not its firmware), with a warning when its
         * platform hierarchy takes the empty password, which every client could then use.
         */
        private static Optional<String> startTpm(TpmTransport backend, PlatformHierarchy platform) {
            Tpm direct = Tpm.on(backend);   // not closed: that would close the backend, which the chip takes over
            boolean started = platform.startupIfNeeded(direct);
            if (!PlatformHierarchy.isOpen(direct)) {
                return Optional.empty();
            }
            String warning = (started ? "the platform hierarchy is kept enabled with an empty password "
                    + "(--keep-platform-hierarchy)" : "the TPM was started by someone else with the platform hierarchy "
                    + "enabled and an empty password") + ": every client can disable the owner's hierarchy, clear the "
                    + "TPM and change its seeds";
            log.warn("{}", warning);
            return Optional.of(warning);
        }

        @Override
        public void close() {
            if (server != null) {
                server.close();
            }
            if (rm != null) {
                rm.close();
            }
            if (chip != null) {
                chip.close();
            }
            if (swtpm != null) {
                swtpm.close();
            }
        }
    }
}
