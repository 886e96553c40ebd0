/**
 * Attestation keys and credential activation: the TCG AK templates, the verifier's MakeCredential in pure Java
 * (TPM 2.0 Part 1 §24), and ActivateCredential on the TPM through the EK's policy.
 */
package io.tpm4j.attest.credential;
