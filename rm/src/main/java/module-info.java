/** The tpm4j resource manager: TpmChip, ResourceManager and per-client Spaces over one TPM. */
module io.tpm4j.rm {
    requires transitive io.tpm4j.api;
    requires io.tpm4j.ffi;
    requires org.slf4j;

    exports io.tpm4j.rm;
    exports io.tpm4j.rm.server;
}
