package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_SetCommandCodeAuditStatus (Part 3, section 21.2): the audit digest's hash (TPM_ALG_NULL to leave it),
 * and commands to add to or remove from the audit list.
 */
public record SetCommandCodeAuditStatus(int auth, Authorization hierarchyAuth, TpmAlg auditAlg, List<Integer> setList,
                                        List<Integer> clearList) implements TpmCommand<SetCommandCodeAuditStatus.Response> {

    public SetCommandCodeAuditStatus {
        setList = List.copyOf(setList);
        clearList = List.copyOf(clearList);
    }

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.SET_COMMAND_CODE_AUDIT_STATUS;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(auth, hierarchyAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.u16(auditAlg.value()).u32(setList.size());
        setList.forEach(out::u32);
        out.u32(clearList.size());
        clearList.forEach(out::u32);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
