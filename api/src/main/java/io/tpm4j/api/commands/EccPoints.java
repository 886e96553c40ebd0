package io.tpm4j.api.commands;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.wire.TpmReader;

import java.util.Optional;

/**
 * TPM2B_ECC_POINT: a size, then a TPMS_ECC_POINT of exactly that size. "No point" is the Empty Point, x and y
 * both zero-size (a TPM refuses a zero-size TPM2B_ECC_POINT); reading accepts that and a size of 0.
 */
final class EccPoints {

    private EccPoints() {
    }

    /** The Empty Point, sent where a command takes no point. */
    static final PublicId.Ecc EMPTY = new PublicId.Ecc(new byte[0], new byte[0]);

    static PublicId.Ecc readSized(TpmReader in, String field) {
        return readOptional(in, field).orElseThrow(
                () -> new TpmProtocolException(field + " is an empty TPM2B_ECC_POINT", in.position() - 2));
    }

    static Optional<PublicId.Ecc> readOptional(TpmReader in, String field) {
        int at = in.position();
        byte[] body = in.tpm2b(2 * (2 + PublicId.Ecc.MAX_COORDINATE_BYTES), field);
        if (body.length == 0) {
            return Optional.empty();
        }
        TpmReader inner = new TpmReader(body);
        try {
            PublicId.Ecc point = new PublicId.Ecc(inner.tpm2b(PublicId.Ecc.MAX_COORDINATE_BYTES, field + ".x"),
                    inner.tpm2b(PublicId.Ecc.MAX_COORDINATE_BYTES, field + ".y"));
            inner.expectEnd(field);
            return point.x().length == 0 && point.y().length == 0 ? Optional.empty() : Optional.of(point);
        } catch (TpmProtocolException e) {
            throw new TpmProtocolException("in " + field + ": " + e.getMessage(), at + 2 + Math.max(0, e.offset()));
        }
    }
}
