package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRh;

import java.util.List;

import static io.tpm4j.api.commands.Parameter.list;
import static io.tpm4j.api.commands.Parameter.u32;

/**
 * TPM2_PP_Commands (Part 3, section 26.2): adds the commands of {@code setList} to, and removes those of
 * {@code clearList} from, the list that needs physical presence. Needs platform authorisation and physical
 * presence asserted on the platform.
 */
public record PpCommands(Authorization platformAuth, List<TpmCc> setList, List<TpmCc> clearList)
        implements NoResponseCommand {

    public PpCommands {
        setList = List.copyOf(setList);
        clearList = List.copyOf(clearList);
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.PP_COMMANDS).authorized(TpmRh.PLATFORM, platformAuth)
                .parameters(list(setList, c -> u32(c.value())), list(clearList, c -> u32(c.value())));
    }
}
