/** A bounded DER reader and writer for the few ASN.1 structures tpm4j reads and writes (not exported). */
package io.tpm4j.jca.der;
