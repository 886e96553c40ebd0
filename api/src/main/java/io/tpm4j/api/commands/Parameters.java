package io.tpm4j.api.commands;

import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * A command's parameters in Part 3 order, declared once: they give the bytes after the handle and
 * authorisation areas, and whether the first is a TPM2B that a decrypt session encrypts.
 */
public record Parameters(List<Parameter> list) {

    public static final Parameters NONE = new Parameters(List.of());

    public Parameters {
        list = List.copyOf(list);
    }

    public static Parameters of(Parameter... parameters) {
        return new Parameters(List.of(parameters));
    }

    public void write(TpmWriter out) {
        for (Parameter parameter : list) {
            parameter.write(out);
        }
    }

    /** Whether the first parameter is a TPM2B (false when there is none). */
    public boolean firstSized() {
        return !list.isEmpty() && list.getFirst().sized();
    }
}
