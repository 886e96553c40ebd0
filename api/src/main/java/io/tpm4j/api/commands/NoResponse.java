package io.tpm4j.api.commands;

/** The response of a command that returns no parameters: that it succeeded is all it says. */
public record NoResponse() {

    static final NoResponse INSTANCE = new NoResponse();
}
