package io.tpm4j.ffi;

import java.nio.file.Path;

/** Run in a child JVM by the tests: opens args[0] and prints the exception it gets (class, then message). */
public final class OpenProbe {

    private OpenProbe() {
    }

    public static void main(String[] args) {
        try (LinuxTpmDevice device = LinuxTpmDevice.open(Path.of(args[0]))) {
            System.out.println("opened " + device.name());
            System.exit(0);
        } catch (RuntimeException e) {
            System.out.println(e.getClass().getSimpleName());
            System.out.println(e.getMessage());
            System.exit(3);
        }
    }
}
