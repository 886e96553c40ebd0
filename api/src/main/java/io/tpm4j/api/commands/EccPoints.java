package io.tpm4j.api.commands;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

/** TPM2B_ECC_POINT: a size, then a TPMS_ECC_POINT of exactly that size. */
final class EccPoints {

    private EccPoints() {
    }

    static void writeSized(TpmWriter out, PublicId.Ecc point) {
        TpmWriter inner = new TpmWriter();
        point.write(inner);
        out.tpm2b(inner.toByteArray());
    }

    static PublicId.Ecc readSized(TpmReader in, String field) {
        int at = in.position();
        byte[] body = in.tpm2b(2 * (2 + 66), field);
        TpmReader inner = new TpmReader(body);
        try {
            PublicId.Ecc point = new PublicId.Ecc(inner.tpm2b(66, field + ".x"), inner.tpm2b(66, field + ".y"));
            inner.expectEnd(field);
            return point;
        } catch (TpmProtocolException e) {
            throw new TpmProtocolException("in " + field + ": " + e.getMessage(), at + 2 + Math.max(0, e.offset()));
        }
    }
}
