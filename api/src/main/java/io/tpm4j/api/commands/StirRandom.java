package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.sized;

/** TPM2_StirRandom (Part 3, section 16.2): adds up to 128 bytes of entropy to the TPM's RNG state. */
public record StirRandom(byte[] inData) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.STIR_RANDOM).parameters(sized(inData));
    }
}
