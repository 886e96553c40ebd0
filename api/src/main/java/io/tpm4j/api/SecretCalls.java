package io.tpm4j.api;

import io.tpm4j.api.commands.TpmCommand;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How one facade view sends the calls that carry secrets: in a session of its secret channel (a password becomes
 * an HMAC proof in it, another authorisation gets it alongside to encrypt), or in clear when parameter
 * encryption is off; with the Names of the objects the facade knows, so that cpHash needs no round trip.
 */
final class SecretCalls {

    private final CommandExecutor executor;
    /** Null when parameter encryption is off. */
    private final SecretChannel channel;

    SecretCalls(CommandExecutor executor, SecretChannel channel) {
        this.executor = executor;
        this.channel = channel;
    }


    /** Runs {@code work} with a session of the secret channel, or with null when parameter encryption is off. */
    <T> T secretly(Function<AuthSession, T> work) {
        return channel == null ? work.apply(null) : channel.run(work);
    }

    /**
     * Runs the command {@code command} makes of {@code auth} as protected by the channel: one session of the
     * channel for the one command.
     */
    <R> R authorized(Authorization auth, Function<Authorization, TpmCommand<R>> command, Map<Integer, byte[]> names) {
        return secretly(channel -> run(command.apply(protect(auth, channel)), names, alongside(auth, channel)));
    }

    /** Runs {@code command}, whose handles' Names are in {@code names} as far as the facade knows them. */
    <R> R run(TpmCommand<R> command, Map<Integer, byte[]> names, AuthSession... extraSessions) {
        return executor.execute(command, names, List.of(extraSessions));
    }

    static Map<Integer, byte[]> names(TpmObject... objects) {
        Map<Integer, byte[]> out = new HashMap<>(4);
        for (TpmObject object : objects) {
            out.put(object.handle(), object.name());
        }
        return out;
    }

    /** Inside the secret channel a password becomes an HMAC proof with the channel's session. */
    static Authorization protect(Authorization auth, AuthSession channel) {
        return channel != null && auth instanceof Authorization.Password p ? Authorization.session(channel, p.authValue())
                : auth;
    }

    /** The channel as an extra session where the authorisation does not run in it. */
    private static AuthSession[] alongside(Authorization original, AuthSession channel) {
        return channel == null || original instanceof Authorization.Password ? new AuthSession[0]
                : new AuthSession[] {channel};
    }
}
