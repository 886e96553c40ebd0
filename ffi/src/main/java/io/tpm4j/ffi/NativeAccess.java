package io.tpm4j.ffi;

/** The one check made before any native binding is created, so a missing flag is a clear error, not a JVM warning. */
final class NativeAccess {

    private NativeAccess() {
    }

    static void require() {
        Module module = NativeAccess.class.getModule();
        if (!module.isNativeAccessEnabled()) {
            String name = module.isNamed() ? module.getName() : "ALL-UNNAMED";
            throw new IllegalStateException("tpm4j-ffi calls the C library through java.lang.foreign and needs "
                    + "native access: start java with --enable-native-access=" + name);
        }
    }
}
