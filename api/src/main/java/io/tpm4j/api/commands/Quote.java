package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_Quote (Part 3, section 18.4): the TPM signs a digest of the selected PCRs, with the caller's nonce in
 * extraData, using a restricted signing key (an attestation key).
 */
public record Quote(int signHandle, Authorization signAuth, byte[] qualifyingData, Scheme inScheme,
                    List<PcrSelection> pcrSelect) implements TpmCommand<SignedAttest> {

    public Quote {
        qualifyingData = qualifyingData.clone();
        pcrSelect = List.copyOf(pcrSelect);
    }

    @Override
    public TpmCc code() {
        return TpmCc.QUOTE;
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
        return List.of(CommandHandle.authorized(signHandle, signAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(qualifyingData);
        inScheme.write(out);
        PcrSelection.writeList(out, pcrSelect);
    }

    @Override
    public SignedAttest readResponse(int responseHandle, TpmReader in) {
        return SignedAttest.read(in, "quoted");
    }
}
