package io.tpm4j.testhw;

import io.tpm4j.api.PlatformHierarchy;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.TpmChip;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The TPM the hardware suite runs against, chosen on the command line. */
public sealed interface Target {

    /** A device as it is: {@code /dev/tpmrm0}, {@code /dev/tpm0}, any {@code /dev/tpmrmN}. */
    record Device(Path path) implements Target {
        @Override
        public String toString() {
            return path.toString();
        }
    }

    /** tpm4j's resource manager over a device (normally {@code /dev/tpm0}), each test in a space of its own. */
    record ResourceManagerOver(Path device) implements Target {
        @Override
        public String toString() {
            return "tpm4j's RM over " + device;
        }
    }

    /** tpm4j's RM server, through its raw socket ({@code ./tpm4j serve --raw unix:PATH}). */
    record Server(Path rawSocket) implements Target {
        @Override
        public String toString() {
            return "tpm4j's server at unix:" + rawSocket;
        }
    }

    /** A private swtpm (chardev on a socketpair), started for the run and thrown away after it. */
    record PrivateSwtpm() implements Target {
        @Override
        public String toString() {
            return "a private swtpm";
        }
    }

    /**
     * Opens the target; everything opened is closed with the result. A TPM the run starts (a private swtpm, or a
     * device nobody started) keeps its platform hierarchy only when {@code permitted} includes
     * {@link Permission#PLATFORM}; otherwise it is disabled after TPM2_Startup, as firmware does.
     */
    default Opened open(Set<Permission> permitted) {
        PlatformHierarchy platform = permitted.contains(Permission.PLATFORM) ? PlatformHierarchy.KEEP
                : PlatformHierarchy.DISABLE;
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            TpmTransport transport = switch (this) {
                case Device d -> add(resources, LinuxTpmDevice.open(d.path()));
                case Server s -> add(resources, LinuxTpmDevice.connect(s.rawSocket(), LinuxTpmDevice.Options.defaults()));
                case PrivateSwtpm p -> add(resources, Swtpm.startChardev()).transport();
                case ResourceManagerOver r -> {
                    LinuxTpmDevice device = LinuxTpmDevice.open(r.device());
                    // Started here, not by the RM (which always disables the platform hierarchy), to honour platform.
                    platform.startupIfNeeded(Tpm.on(device));
                    TpmChip chip = add(resources, TpmChip.over(device, r.device().toString()));
                    ResourceManager rm = add(resources, ResourceManager.over(chip));
                    yield add(resources, rm.openSpace("tpm4j check"));
                }
            };
            Tpm tpm = Tpm.on(transport);
            platform.startupIfNeeded(tpm);
            return new Opened(this, tpm, List.copyOf(resources));
        } catch (RuntimeException e) {
            new Opened(this, null, resources).close();
            throw e;
        }
    }

    /**
     * Whether the target shares its TPM between clients with virtual handles (the kernel's /dev/tpmrmN, tpm4j's
     * RM or server), so a second client can be opened beside the first.
     */
    default boolean isResourceManager() {
        return switch (this) {
            case Device d -> d.path().getFileName().toString().startsWith("tpmrm");
            case ResourceManagerOver r -> true;
            case Server s -> true;
            case PrivateSwtpm p -> false;
        };
    }

    private static <T extends AutoCloseable> T add(List<AutoCloseable> resources, T resource) {
        resources.add(resource);
        return resource;
    }

    /** An open target: the TPM, and what to close (in reverse order) when the run ends. */
    record Opened(Target target, Tpm tpm, List<AutoCloseable> resources) implements AutoCloseable {

        /** Another client of the same resource manager: a second open, space or connection. */
        public Tpm anotherClient() {
            TpmTransport transport = switch (target) {
                case Device d -> LinuxTpmDevice.open(d.path());
                case Server s -> LinuxTpmDevice.connect(s.rawSocket(), LinuxTpmDevice.Options.defaults());
                case ResourceManagerOver r -> resources.stream().filter(ResourceManager.class::isInstance)
                        .map(ResourceManager.class::cast).findFirst().orElseThrow().openSpace("tpm4j check, second client");
                case PrivateSwtpm p -> throw new IllegalStateException("a private swtpm has one client");
            };
            return Tpm.on(transport);
        }

        @Override
        public void close() {
            for (int i = resources.size() - 1; i >= 0; i--) {
                try {
                    resources.get(i).close();
                } catch (Exception ignored) {
                    // Closing is best effort: a removed TPM or a killed simulator must not hide the report.
                }
            }
        }
    }
}
