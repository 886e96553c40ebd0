package io.tpm4j.api.commands;

import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** The parameters TPM2_Create and TPM2_CreatePrimary share (Part 3 lists the same four for both). */
final class CreationParameters {

    private CreationParameters() {
    }

    static void write(TpmWriter out, SensitiveCreate inSensitive, PublicArea inPublic, byte[] outsideInfo,
                      List<PcrSelection> creationPcr) {
        inSensitive.writeSized(out);
        inPublic.writeSized(out);
        out.tpm2b(outsideInfo);
        PcrSelection.writeList(out, creationPcr);
    }
}
