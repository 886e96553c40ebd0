package io.tpm4j.api.commands;

import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.Sensitive;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import java.util.Objects;
import java.util.Optional;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.u32;

/**
 * TPM2_LoadExternal (Part 3, section 12.3): loads a key made outside the TPM. With the public part only, the TPM can
 * verify its signatures or encrypt to it; with {@code inPrivate} too (the key in clear), sign, decrypt or HMAC with it,
 * and then the TPM takes it only into the NULL hierarchy. fixedTPM and fixedParent must be clear in its attributes.
 * The private part is the first parameter, so a session with decrypt set carries it encrypted.
 */
public record LoadExternal(Optional<Sensitive> inPrivate, PublicArea inPublic, int hierarchy)
        implements TpmCommand<LoadExternal.Response> {

    public LoadExternal {
        Objects.requireNonNull(inPrivate, "inPrivate");
    }

    /** The public part only. */
    public LoadExternal(PublicArea inPublic, int hierarchy) {
        this(Optional.empty(), inPublic, hierarchy);
    }

    public record Response(int objectHandle, byte[] name) {
    }

    @Override
    public CommandLayout layout() {
        // Without a private part, an Empty Buffer in place of TPM2B_SENSITIVE.
        return CommandLayout.of(TpmCc.LOAD_EXTERNAL)
                .parameters(inPrivate.map(p -> sized(p.toBytes())).orElseGet(Parameter::emptyBuffer), sized(inPublic),
                        u32(hierarchy)).returningHandle().sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(responseHandle, in.tpm2b(2 + 64, "name"));
    }
}
