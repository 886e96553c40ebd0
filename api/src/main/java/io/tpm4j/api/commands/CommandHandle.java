package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;

import java.util.Objects;
import java.util.Optional;

/** One handle of a command's handle area, with the authorisation the command needs for it, if any. */
public record CommandHandle(int handle, Optional<Authorization> authorization) {

    public CommandHandle {
        Objects.requireNonNull(authorization, "authorization");
    }

    /** A handle the command uses without authorisation ({@code Auth Index: None} in Part 3). */
    public static CommandHandle of(int handle) {
        return new CommandHandle(handle, Optional.empty());
    }

    /** A handle whose use {@code authorization} authorises. */
    public static CommandHandle authorized(int handle, Authorization authorization) {
        return new CommandHandle(handle, Optional.of(authorization));
    }

    @Override
    public String toString() {
        return String.format("0x%08x", handle) + authorization.map(a -> " (" + a + ")").orElse("");
    }
}
