package io.tpm4j.ffi;

/** Run in a child JVM by the tests: starts a chardev swtpm and prints the exception it gets, if any. */
public final class SwtpmProbe {

    private SwtpmProbe() {
    }

    public static void main(String[] args) {
        try (Swtpm sw = Swtpm.startChardev()) {
            System.out.println("started pid " + sw.pid());
            System.exit(0);
        } catch (RuntimeException e) {
            System.out.println(e.getClass().getSimpleName());
            System.out.println(e.getMessage());
            System.exit(3);
        }
    }
}
