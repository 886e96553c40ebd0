package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structure;
import static io.tpm4j.api.commands.Parameter.u16;

/** TPM2_NV_Certify (Part 3, section 31.16): a signing key vouches for {@code size} bytes of an NV index at {@code offset}. */
public record NvCertify(int signHandle, Authorization signAuth, int authHandle, Authorization auth, int nvIndex,
                        byte[] qualifyingData, Scheme inScheme, int size, int offset)
        implements AttestingCommand {

    public NvCertify {
        qualifyingData = qualifyingData.clone();
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.NV_CERTIFY).authorized(signHandle, signAuth).authorized(authHandle, auth)
                .handle(nvIndex)
                .parameters(sized(qualifyingData), structure(inScheme::write), u16(size), u16(offset)).sizedResponse();
    }
}
