package io.tpm4j.api.types;

/** TPMS_ACT_DATA: an authenticated countdown timer, its remaining timeout (seconds) and TPMA_ACT attributes. */
public record ActData(int handle, int timeout, int attributes) {
}
