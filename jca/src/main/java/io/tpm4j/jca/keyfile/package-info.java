/** TSS2 PRIVATE KEY files (the ASN.1 key format of tpm2-tss-engine, tpm2-openssl and tpm2-pytss), read and written. */
package io.tpm4j.jca.keyfile;
