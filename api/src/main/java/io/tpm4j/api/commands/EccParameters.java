package io.tpm4j.api.commands;

import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.u16;

/** TPM2_ECC_Parameters (Part 3, section 14.6): the parameters of a curve the TPM implements (TPMS_ALGORITHM_DETAIL_ECC). */
public record EccParameters(int curveId) implements TpmCommand<EccParameters.Response> {

    /** The curve: field prime p, coefficients a and b, base point (gX, gY), order n and cofactor h. */
    public record Response(int curveId, int keySize, Scheme kdf, Scheme sign, byte[] p, byte[] a, byte[] b, byte[] gX,
                           byte[] gY, byte[] n, byte[] h) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.ECC_PARAMETERS).parameters(u16(curveId));
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        int max = PublicId.Ecc.MAX_COORDINATE_BYTES;
        return new Response(in.u16("curveID"), in.u16("keySize"), Scheme.read(in, "kdf"), Scheme.read(in, "sign"),
                in.tpm2b(max, "p"), in.tpm2b(max, "a"), in.tpm2b(max, "b"), in.tpm2b(max, "gX"), in.tpm2b(max, "gY"),
                in.tpm2b(max, "n"), in.tpm2b(max, "h"));
    }
}
