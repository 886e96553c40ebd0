/**
 * The tpm4j resource manager: TpmChip, ResourceManager and per-client Spaces with handle virtualisation and
 * context save/load over one TPM. Its package, io.tpm4j.rm, is exported once it has its first class.
 */
module io.tpm4j.rm {
    requires transitive io.tpm4j.api;
    requires io.tpm4j.ffi;
    requires org.slf4j;
}
