package io.tpm4j.api.commands;

import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.u16;
import static io.tpm4j.api.commands.Parameter.u32;

/**
 * TPM2_Hash (Part 3, section 15.4): the TPM hashes up to TPM_PT_INPUT_BUFFER bytes; with a hierarchy other than
 * TPM_RH_NULL the ticket proves to TPM2_Sign with a restricted key that the data did not start with
 * TPM_GENERATED_VALUE.
 */
public record Hash(byte[] data, TpmAlg hashAlg, int hierarchy) implements TpmCommand<Hash.Response> {

    public Hash {
        data = data.clone();
    }

    public record Response(byte[] outHash, Ticket validation) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.HASH)
                .parameters(sized(data), u16(hashAlg.value()), u32(hierarchy)).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(64, "outHash"), Ticket.read(in, "validation"));
    }
}
