/**
 * The verifier's side of attestation, which needs no TPM: the TCG PC Client firmware event log and the Linux IMA
 * measurement list, parsed, decoded and replayed to PCR values.
 */
module io.tpm4j.attest {
    requires io.tpm4j.api;
    requires org.slf4j;

    exports io.tpm4j.attest;
    exports io.tpm4j.attest.eventlog;
}
