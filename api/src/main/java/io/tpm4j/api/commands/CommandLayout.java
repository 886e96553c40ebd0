package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a command sends, declared once and in Part 3 order: its code, its handles (with the authorisation each
 * needs), its parameters, and what its response starts with. A record builds one in
 * {@link TpmCommand#layout()}, e.g.
 * {@code CommandLayout.of(TpmCc.HMAC).authorized(handle, keyAuth).parameters(sized(buffer), u16(hashAlg))};
 * everything the engine asks a {@link TpmCommand} comes from it.
 */
public final class CommandLayout {

    private final TpmCc code;
    private final List<CommandHandle> handles = new ArrayList<>(3);
    private Parameters parameters = Parameters.NONE;
    private boolean returnsHandle;
    private boolean firstResponseParameterSized;

    private CommandLayout(TpmCc code) {
        this.code = Objects.requireNonNull(code, "code");
    }

    public static CommandLayout of(TpmCc code) {
        return new CommandLayout(code);
    }

    /** The next handle of the handle area, used without authorisation ({@code Auth Index: None} in Part 3). */
    public CommandLayout handle(int handle) {
        handles.add(CommandHandle.of(handle));
        return this;
    }

    /** The next handle of the handle area, whose use {@code authorization} authorises. */
    public CommandLayout authorized(int handle, Authorization authorization) {
        handles.add(CommandHandle.authorized(handle, authorization));
        return this;
    }

    /** The parameters, in Part 3 order. */
    public CommandLayout parameters(Parameter... declared) {
        parameters = Parameters.of(declared);
        return this;
    }

    /** The response carries a handle (e.g. the object TPM2_Load loaded) before its parameters. */
    public CommandLayout returningHandle() {
        returnsHandle = true;
        return this;
    }

    /** The response's first parameter is a TPM2B, which a session with TPMA_SESSION.encrypt encrypts. */
    public CommandLayout sizedResponse() {
        firstResponseParameterSized = true;
        return this;
    }

    public TpmCc code() {
        return code;
    }

    public List<CommandHandle> handles() {
        return List.copyOf(handles);
    }

    public Parameters parameters() {
        return parameters;
    }

    public boolean returnsHandle() {
        return returnsHandle;
    }

    public boolean firstResponseParameterSized() {
        return firstResponseParameterSized;
    }
}
