/**
 * Checking what a TPM attested without a TPM: quotes (signature, magic, type, nonce, PCR digest against PCR values or
 * a replayed event log, clock and reset counters), Certify and CertifyCreation.
 */
package io.tpm4j.attest.quote;
