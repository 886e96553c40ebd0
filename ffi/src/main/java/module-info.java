/**
 * Linux TPM character devices through java.lang.foreign: {@code /dev/tpmrmN}, {@code /dev/tpmN}, any TPM
 * file descriptor, device discovery, the vTPM proxy, and a swtpm launcher. Needs
 * {@code --enable-native-access=io.tpm4j.ffi}.
 */
module io.tpm4j.ffi {
    requires transitive io.tpm4j.api;
    requires org.slf4j;

    exports io.tpm4j.ffi;
}
