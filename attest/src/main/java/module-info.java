/**
 * Attestation. The verifier's side needs no TPM: the TCG PC Client firmware event log and the Linux IMA measurement
 * list parsed, decoded and replayed to PCR values; EK certificates validated; credentials made; quotes checked. The
 * attester's side runs on the machine with the TPM: EK and AK, credential activation, quotes.
 */
module io.tpm4j.attest {
    requires io.tpm4j.api;
    requires io.tpm4j.ffi;
    requires org.slf4j;

    exports io.tpm4j.attest;
    exports io.tpm4j.attest.eventlog;

    // EK certificates: export when the package has its first class.
    exports io.tpm4j.attest.ek;

    // Credential activation: export when the package has its first class.
    exports io.tpm4j.attest.credential;

    // Quote checks: export when the package has its first class.
    exports io.tpm4j.attest.quote;
}
