/**
 * Endorsement keys: the EK certificates a TPM's manufacturer stored in NV (TCG EK Credential Profile), the EK they
 * certify recreated and matched, and the certificate chain validated against roots the caller trusts.
 */
package io.tpm4j.attest.ek;
