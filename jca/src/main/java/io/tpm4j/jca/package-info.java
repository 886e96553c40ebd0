/** The {@code tpm4j} JCA provider and its TPM-backed keys. */
package io.tpm4j.jca;
