package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_PolicyDuplicationSelect (Part 3, section 23.15): the object may be duplicated only to this new parent. */
public record PolicyDuplicationSelect(int policySession, byte[] objectName, byte[] newParentName, boolean includeObject) implements TpmCommand<PolicyDuplicationSelect.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.POLICY_DUPLICATION_SELECT;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.of(policySession));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(objectName).tpm2b(newParentName).u8(includeObject ? 1 : 0);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
