package io.tpm4j.attest.eventlog;

import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.TpmAlg;

import java.security.MessageDigest;

/**
 * One IMA measurement.
 *
 * @param number         its position in the list, from 0
 * @param offset         the byte offset where it starts in the list
 * @param pcrIndex       the PCR it was extended into (10 unless the policy says otherwise)
 * @param templateDigest the SHA-1 template digest the list shows; all zeros for a violation
 * @param templateName   {@code ima}, {@code ima-ng}, {@code ima-sig}, {@code ima-buf} or another template's name
 * @param template       the template data, decoded
 * @param hashedData     the bytes the kernel hashed into the template digest (for {@code ima}, the file digest and
 *                       the name zero-padded to 256 bytes; for the others, the template data); empty for
 *                       {@link ImaTemplate.AsciiOnly}
 */
public record ImaEntry(int number, long offset, int pcrIndex, byte[] templateDigest, String templateName,
                       ImaTemplate template, byte[] hashedData) {

    public ImaEntry {
        templateDigest = templateDigest.clone();
        hashedData = hashedData.clone();
    }

    @Override
    public byte[] templateDigest() {
        return templateDigest.clone();
    }

    @Override
    public byte[] hashedData() {
        return hashedData.clone();
    }

    /**
     * A violation (a file measured while open for writing, or opened for writing while measured): the kernel lists
     * an all-zero digest and extends all ones into every bank.
     */
    public boolean isViolation() {
        for (byte b : templateDigest) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether the listed template digest is the SHA-1 of the template data (always true of a violation). */
    public boolean digestMatchesData() {
        if (isViolation() || template instanceof ImaTemplate.AsciiOnly) {
            return true;
        }
        return MessageDigest.isEqual(templateDigest, Names.digest(TpmAlg.SHA1).digest(hashedData));
    }
}
