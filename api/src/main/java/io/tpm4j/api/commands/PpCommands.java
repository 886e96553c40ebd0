package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_PP_Commands (Part 3, section 26.2): adds the commands of {@code setList} to, and removes those of
 * {@code clearList} from, the list that needs physical presence. Needs platform authorisation and physical
 * presence asserted on the platform.
 */
public record PpCommands(Authorization platformAuth, List<TpmCc> setList, List<TpmCc> clearList)
        implements TpmCommand<PpCommands.Response> {

    public PpCommands {
        setList = List.copyOf(setList);
        clearList = List.copyOf(clearList);
    }

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.PP_COMMANDS;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(TpmRh.PLATFORM, platformAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        writeList(out, setList);
        writeList(out, clearList);
    }

    /** TPML_CC. */
    private static void writeList(TpmWriter out, List<TpmCc> codes) {
        out.u32(codes.size());
        codes.forEach(c -> out.u32(c.value()));
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
