package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_CertifyCreation (Part 3, section 18.3): a signing key vouches that this TPM created the object, with the
 * creation hash and ticket TPM2_Create or TPM2_CreatePrimary returned.
 */
public record CertifyCreation(int signHandle, Authorization signAuth, int objectHandle, byte[] qualifyingData,
                              byte[] creationHash, Scheme inScheme, Ticket creationTicket)
        implements TpmCommand<SignedAttest> {

    public CertifyCreation {
        qualifyingData = qualifyingData.clone();
        creationHash = creationHash.clone();
    }

    @Override
    public TpmCc code() {
        return TpmCc.CERTIFY_CREATION;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public boolean firstResponseParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(signHandle, signAuth), CommandHandle.of(objectHandle));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(qualifyingData).tpm2b(creationHash);
        inScheme.write(out);
        creationTicket.write(out);
    }

    @Override
    public SignedAttest readResponse(int responseHandle, TpmReader in) {
        return SignedAttest.read(in, "certifyInfo");
    }
}
