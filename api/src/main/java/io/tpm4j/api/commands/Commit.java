package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import java.util.Optional;

import static io.tpm4j.api.commands.Parameter.sized;

/**
 * TPM2_Commit (Part 3, section 19.2): the first phase of an anonymous (ECDAA) or SM2 signature with
 * {@code signHandle}. With no {@code p1}, {@code s2} and {@code y2} the TPM only commits to E = [r]G; the
 * returned counter names the commitment in the following TPM2_Sign.
 */
public record Commit(int signHandle, Authorization signAuth, Optional<PublicId.Ecc> p1, byte[] s2, byte[] y2)
        implements TpmCommand<Commit.Response> {

    public Commit {
        s2 = s2.clone();
        y2 = y2.clone();
    }

    /** K, L and E; a point the TPM did not compute (e.g. K without P1) is empty. */
    public record Response(Optional<PublicId.Ecc> k, Optional<PublicId.Ecc> l, Optional<PublicId.Ecc> e, int counter) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.COMMIT).authorized(signHandle, signAuth)
                .parameters(sized(p1.orElse(EccPoints.EMPTY)), sized(s2), sized(y2)).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(EccPoints.readOptional(in, "K"), EccPoints.readOptional(in, "L"),
                EccPoints.readOptional(in, "E"), in.u16("counter"));
    }
}
