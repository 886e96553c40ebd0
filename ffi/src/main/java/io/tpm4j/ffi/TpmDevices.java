package io.tpm4j.ffi;

import io.tpm4j.api.TpmTransportException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Discovery of the machine's TPMs from /sys/class/tpm, and the default choice.
 *
 * <p>The default is the resource-manager device ({@code /dev/tpmrmN}) of the lowest-numbered TPM 2.0 chip:
 * it can be shared by any number of processes and isolates each of them. There is no fallback to the raw
 * {@code /dev/tpmN}: that device is exclusive (a second open fails with EBUSY) and leaves objects loaded
 * across clients, so using it must be a deliberate choice, made by passing its path.
 */
public final class TpmDevices {

    private static final Pattern TPM_NAME = Pattern.compile("tpm(\\d+)");

    private TpmDevices() {
    }

    /** The TPMs of this machine, lowest number first; empty when it has none (or no driver loaded). */
    public static List<TpmDeviceInfo> list() {
        return list(Path.of("/sys/class/tpm"), Path.of("/dev"));
    }

    /** The TPMs described under {@code sysClassTpm}, with their device nodes looked up under {@code dev}. */
    public static List<TpmDeviceInfo> list(Path sysClassTpm, Path dev) {
        if (!Files.isDirectory(sysClassTpm)) {
            return List.of();
        }
        List<TpmDeviceInfo> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(sysClassTpm)) {
            for (Path entry : entries.toList()) {
                Matcher m = TPM_NAME.matcher(entry.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                String name = entry.getFileName().toString();
                int index = Integer.parseInt(m.group(1));
                Path rm = dev.resolve("tpmrm" + index);
                found.add(new TpmDeviceInfo(name, index, dev.resolve(name),
                        Files.exists(rm) ? Optional.of(rm) : Optional.empty(), majorVersion(entry)));
            }
        } catch (IOException e) {
            throw new TpmTransportException(sysClassTpm.toString(), "cannot list TPMs: " + e.getMessage());
        }
        found.sort(Comparator.comparingInt(TpmDeviceInfo::index));
        return List.copyOf(found);
    }

    /** The default device path by the rule above, if this machine has one. */
    public static Optional<Path> defaultDevice() {
        return defaultDevice(list());
    }

    static Optional<Path> defaultDevice(List<TpmDeviceInfo> devices) {
        return devices.stream().filter(TpmDeviceInfo::isTpm2).flatMap(d -> d.resourceManager().stream()).findFirst();
    }

    /**
     * The default device path, or an exception that says why there is none and what to do.
     */
    public static Path requireDefaultDevice() {
        List<TpmDeviceInfo> devices = list();
        return defaultDevice(devices).orElseThrow(() -> new TpmTransportException("/dev/tpmrm*",
                devices.isEmpty()
                        ? "this machine has no TPM the kernel knows (/sys/class/tpm is empty or missing): no chip, "
                        + "or its driver (tpm_tis, tpm_crb) is not loaded"
                        : "no TPM 2.0 resource-manager device among " + devices.stream().map(d -> d.device().toString()).toList()
                        + "; pass a raw device explicitly if exclusive use is intended"));
    }

    private static OptionalInt majorVersion(Path sysEntry) {
        Path version = sysEntry.resolve("tpm_version_major");
        try {
            return Files.isReadable(version) ? OptionalInt.of(Integer.parseInt(Files.readString(version).strip()))
                    : OptionalInt.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
