package io.tpm4j.attest.quote;

/**
 * One check that did not pass, and why in words.
 *
 * @param check  what was checked
 * @param reason what was found instead, naming the field
 */
public record Failure(Check check, String reason) {

    @Override
    public String toString() {
        return check + ": " + reason;
    }
}
