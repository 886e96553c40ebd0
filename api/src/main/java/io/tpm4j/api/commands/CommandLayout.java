package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;
import java.util.Objects;

/**
 * What a command sends, declared once and in Part 3 order: its code, its handles (with the authorisation each
 * needs), its parameters, and what its response starts with. A record builds one in
 * {@link TpmCommand#layout()}, e.g.
 * {@code CommandLayout.of(TpmCc.HMAC).authorized(handle, keyAuth).parameters(sized(buffer), u16(hashAlg))};
 * everything the engine asks a {@link TpmCommand} comes from it.
 * <p>
 * The engine asks a command several questions per call and each builds a layout, so a layout holds its
 * handles in fields and its parameters in the array it was given: a question that does not need them
 * (the code, a flag) costs no allocation once compiled.
 */
public final class CommandLayout {

    /** No Part 3 command has more than three handles. */
    private static final int MAX_HANDLES = 3;
    private static final Parameter[] NONE = {};

    private final TpmCc code;
    private int handleCount;
    private int handle0;
    private int handle1;
    private int handle2;
    private Authorization authorization0;
    private Authorization authorization1;
    private Authorization authorization2;
    private Parameter[] parameters = NONE;
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
        return add(handle, null);
    }

    /** The next handle of the handle area, whose use {@code authorization} authorises. */
    public CommandLayout authorized(int handle, Authorization authorization) {
        return add(handle, Objects.requireNonNull(authorization, "authorization"));
    }

    private CommandLayout add(int handle, Authorization authorization) {
        switch (handleCount++) {
            case 0 -> {
                handle0 = handle;
                authorization0 = authorization;
            }
            case 1 -> {
                handle1 = handle;
                authorization1 = authorization;
            }
            case 2 -> {
                handle2 = handle;
                authorization2 = authorization;
            }
            default -> throw new IllegalStateException(code.specName() + ": more than " + MAX_HANDLES + " handles");
        }
        return this;
    }

    /** The parameters, in Part 3 order. */
    public CommandLayout parameters(Parameter... declared) {
        parameters = declared;
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
        return switch (handleCount) {
            case 0 -> List.of();
            case 1 -> List.of(handle(handle0, authorization0));
            case 2 -> List.of(handle(handle0, authorization0), handle(handle1, authorization1));
            default -> List.of(handle(handle0, authorization0), handle(handle1, authorization1),
                    handle(handle2, authorization2));
        };
    }

    private static CommandHandle handle(int handle, Authorization authorization) {
        return authorization == null ? CommandHandle.of(handle) : CommandHandle.authorized(handle, authorization);
    }

    public List<Parameter> parameters() {
        return List.of(parameters);
    }

    /** Whether the first parameter is a TPM2B (false when there is none). */
    public boolean firstCommandParameterSized() {
        return parameters.length > 0 && parameters[0].sized();
    }

    public boolean returnsHandle() {
        return returnsHandle;
    }

    public boolean firstResponseParameterSized() {
        return firstResponseParameterSized;
    }

    public void writeParameters(TpmWriter out) {
        for (Parameter parameter : parameters) {
            parameter.write(out);
        }
    }
}
