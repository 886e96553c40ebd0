/** PKCS#10 certificate requests signed by a key that never leaves the TPM. */
package io.tpm4j.jca.csr;
