package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;

import java.util.List;

import static io.tpm4j.api.commands.Parameter.list;
import static io.tpm4j.api.commands.Parameter.u16;

/**
 * TPM2_SetCommandCodeAuditStatus (Part 3, section 21.2): the audit digest's hash (TPM_ALG_NULL to leave it),
 * and commands to add to or remove from the audit list.
 */
public record SetCommandCodeAuditStatus(int auth, Authorization hierarchyAuth, TpmAlg auditAlg, List<Integer> setList,
                                        List<Integer> clearList) implements NoResponseCommand {

    public SetCommandCodeAuditStatus {
        setList = List.copyOf(setList);
        clearList = List.copyOf(clearList);
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.SET_COMMAND_CODE_AUDIT_STATUS).authorized(auth, hierarchyAuth)
                .parameters(u16(auditAlg.value()), list(setList, Parameter::u32), list(clearList, Parameter::u32));
    }
}
