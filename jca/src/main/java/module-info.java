/**
 * TPM keys wherever Java uses keys: the {@code tpm4j} JCA provider (signatures, ciphers, key agreement, MACs,
 * randomness and a {@code TPM} key store), TSS2 PRIVATE KEY files as tpm2-openssl and tpm2-pytss write them, and
 * PKCS#10 certificate requests signed in the TPM.
 */
module io.tpm4j.jca {
    requires transitive io.tpm4j.api;
    requires io.tpm4j.ffi;
    requires io.tpm4j.rm;
    requires org.slf4j;

    exports io.tpm4j.jca;
    exports io.tpm4j.jca.keyfile;
    exports io.tpm4j.jca.csr;

    provides java.security.Provider with io.tpm4j.jca.Tpm4jProvider;
}
