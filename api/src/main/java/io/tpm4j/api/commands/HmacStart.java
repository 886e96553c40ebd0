package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_HMAC_Start (Part 3, section 17.2): starts an HMAC sequence with a loaded HMAC key; {@code auth} authorises its updates. */
public record HmacStart(int handle, Authorization keyAuth, byte[] auth, int hashAlg) implements TpmCommand<HmacStart.Response> {

    public record Response(int sequenceHandle) {
    }

    @Override
    public TpmCc code() {
        return TpmCc.HMAC_START;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(handle, keyAuth));
    }

    @Override
    public boolean returnsHandle() {
        return true;
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(auth).u16(hashAlg);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(responseHandle);
    }
}
