package io.tpm4j.api;

import io.tpm4j.api.commands.CommandHandle;
import io.tpm4j.api.commands.CommandLayout;
import io.tpm4j.api.commands.CommandRunner;
import io.tpm4j.api.commands.NvReadPublic;
import io.tpm4j.api.commands.ReadPublic;
import io.tpm4j.api.commands.TpmCommand;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.CommandSessions;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.api.wire.TraceDump;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The command engine: frames a typed command (header, handles, authorisation area, parameters), sends it
 * through a {@link TpmTransport}, sends it again while the TPM answers with a retryable warning, and parses the
 * response, checking every session's response HMAC before any of it is used. It keeps no state between
 * commands: a command's Names come with its authorisations ({@link Authorization#forEntity}), from the caller,
 * or are read from the TPM for that command.
 *
 * <p>Thread-safe as far as the transport is. Set the logger {@code io.tpm4j.api.Tpm} to TRACE to hex-dump every
 * command and response, passwords and secret parameters left out ({@link TraceDump}).
 */
public final class CommandExecutor implements CommandRunner {

    /** The facade's logger name, kept so that existing trace settings go on working. */
    private static final Logger log = LoggerFactory.getLogger(Tpm.class);

    private final TpmTransport transport;
    private final RetryPolicy retries;

    public CommandExecutor(TpmTransport transport, RetryPolicy retries) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.retries = Objects.requireNonNull(retries, "retries");
    }

    public TpmTransport transport() {
        return transport;
    }

    public RetryPolicy retries() {
        return retries;
    }

    /** The same transport with another retry policy. */
    public CommandExecutor withRetries(RetryPolicy policy) {
        return new CommandExecutor(transport, policy);
    }

    @Override
    public <R> R execute(TpmCommand<R> command) {
        return execute(command, Map.of(), List.of());
    }

    /**
     * Runs one command: handles carry their own authorisations; sessions that only encrypt or audit come as
     * {@code extraSessions}.
     *
     * @throws TpmResponseException  when the TPM answers with an error or warning code
     * @throws TpmProtocolException  when the response is malformed
     * @throws TpmIntegrityException when a session's response HMAC does not verify
     */
    public <R> R execute(TpmCommand<R> command, AuthSession... extraSessions) {
        return execute(command, Map.of(), List.of(extraSessions));
    }

    /**
     * {@link #execute(TpmCommand, AuthSession...)} with the Names of some of the command's handles known to the
     * caller (handle → Name), so that cpHash needs no round trip for them.
     */
    public <R> R execute(TpmCommand<R> command, Map<Integer, byte[]> knownNames, List<AuthSession> extraSessions) {
        CommandLayout layout = command.layout(); // declared once per command, asked once here
        TpmCc code = layout.code();
        List<CommandHandle> handles = layout.handles();
        List<Authorization> auths = new ArrayList<>(handles.size());
        for (CommandHandle handle : handles) {
            handle.authorization().ifPresent(auths::add);
        }
        boolean withSessions = !extraSessions.isEmpty()
                || auths.stream().anyMatch(a -> a instanceof Authorization.Hmac || a instanceof Authorization.Policy);
        TpmWriter parameterWriter = new TpmWriter(64);
        layout.writeParameters(parameterWriter);
        byte[] parameters = parameterWriter.toByteArray();
        if (!withSessions) {
            byte[] authArea = null;
            if (!auths.isEmpty()) {
                TpmWriter out = new TpmWriter(16 * auths.size());
                auths.forEach(a -> a.writeCommandAuth(out));
                authArea = out.toByteArray();
            }
            Response response = transmit(layout, frame(code, handles, authArea, parameters));
            return parse(command, layout, auths.size(), response, null);
        }
        List<byte[]> handleNames = namesOf(handles, knownNames);
        List<byte[]> entityNames = new ArrayList<>(auths.size());
        for (int i = 0; i < handles.size(); i++) {
            if (handles.get(i).authorization().isPresent()) {
                entityNames.add(handleNames.get(i));
            }
        }
        CommandSessions sessions = CommandSessions.of(code, auths, entityNames, extraSessions,
                layout.firstCommandParameterSized(), layout.firstResponseParameterSized());
        byte[] sent = sessions.protectParameters(parameters);
        byte[] authArea = sessions.authorizationArea(handleNames, sent);
        Response response = transmit(layout, frame(code, handles, authArea, sent));
        return parse(command, layout, auths.size() + extraSessions.size(), response, sessions);
    }

    /**
     * The Name of each handle, for cpHash: from its authorisation, from {@code known}, else read from the TPM
     * (once per handle in this command; an NV command names its index twice).
     */
    private List<byte[]> namesOf(List<CommandHandle> handles, Map<Integer, byte[]> known) {
        Map<Integer, byte[]> found = new HashMap<>(known);
        for (CommandHandle handle : handles) {
            byte[] given = handle.authorization().map(Authorization::entityName).orElse(new byte[0]);
            if (given.length > 0) {
                found.putIfAbsent(handle.handle(), given);
            }
        }
        List<byte[]> names = new ArrayList<>(handles.size());
        for (CommandHandle handle : handles) {
            names.add(found.computeIfAbsent(handle.handle(), this::nameOf));
        }
        return names;
    }

    @Override
    public byte[] nameOf(int handle) {
        int type = handle >>> 24;
        if (type == TpmHt.TRANSIENT.value() || type == TpmHt.PERSISTENT.value()) {
            try {
                return execute(new ReadPublic(handle)).name();
            } catch (TpmResponseException e) {
                if (!e.is(TpmRc.SEQUENCE)) {
                    throw e;
                }
                return new byte[0]; // a hash or HMAC sequence has no public area and an empty Name
            }
        }
        if (type == TpmHt.NV_INDEX.value()) {
            return execute(new NvReadPublic(handle)).nvName();
        }
        return new TpmWriter(4).u32(handle).toByteArray();
    }

    /** Header (tag by whether there is an authorisation area), handle area, authorisation area, parameters. */
    private static byte[] frame(TpmCc code, List<CommandHandle> handles, byte[] authArea, byte[] parameters) {
        int size = TpmHeader.SIZE + 4 * handles.size() + (authArea == null ? 0 : 4 + authArea.length) + parameters.length;
        TpmWriter out = new TpmWriter(size);
        out.u16(authArea == null ? TpmHeader.ST_NO_SESSIONS : TpmHeader.ST_SESSIONS).u32(size).u32(code.value());
        handles.forEach(h -> out.u32(h.handle()));
        if (authArea != null) {
            out.u32(authArea.length).bytes(authArea);
        }
        return out.bytes(parameters).toByteArray();
    }

    /** A successful response with its header, parsed once. */
    private record Response(byte[] bytes, TpmHeader header) {
    }

    /**
     * Sends {@code request}, again after a back-off while the TPM answers with a retryable warning. At TRACE,
     * both are dumped without their secrets ({@link TraceDump}).
     */
    private Response transmit(CommandLayout layout, byte[] request) {
        TpmCc code = layout.code();
        for (int attempt = 1; ; attempt++) {
            if (log.isTraceEnabled()) {
                log.trace("{} -> {}", code.specName(),
                        TraceDump.command(request, layout.handles().size(), layout.firstCommandParameterSized()));
            }
            byte[] response = transport.transmit(request);
            if (log.isTraceEnabled()) {
                log.trace("{} <- {}", code.specName(),
                        TraceDump.response(response, code.value(), layout.returnsHandle()));
            }
            TpmHeader header = TpmHeader.ofResponse(response);
            if (header.code() == 0) {
                return new Response(response, header);
            }
            if (!retries.shouldRetry(header.code(), attempt)) {
                throw new TpmResponseException(code.value(), header.code());
            }
            Duration delay = retries.delayAfter(attempt);
            log.debug("{} answered {}; sending it again in {} ms (attempt {} of {})", code.specName(),
                    new ResponseCode(header.code()).describe(), delay.toMillis(), attempt + 1, retries.maxAttempts());
            sleep(delay);
        }
    }

    /**
     * A successful response: the handle if the command returns one; with sessions, parameterSize, the
     * parameters and one TPMS_AUTH_RESPONSE per session, which {@code sessions} checks before the parameters are
     * parsed.
     */
    private static <R> R parse(TpmCommand<R> command, CommandLayout layout, int authCount, Response response,
                               CommandSessions sessions) {
        try {
            return parseResponse(command, layout, authCount, response, sessions);
        } catch (TpmProtocolException e) {
            // Field names stay constant strings on the hot path; the command is named once, here.
            throw e.within(layout.code().specName() + " response");
        }
    }

    private static <R> R parseResponse(TpmCommand<R> command, CommandLayout layout, int authCount,
                                       Response response, CommandSessions sessions) {
        int expectedTag = authCount == 0 ? TpmHeader.ST_NO_SESSIONS : TpmHeader.ST_SESSIONS;
        if (response.header().tag() != expectedTag) {
            throw new TpmProtocolException(String.format("tag 0x%04x, expected 0x%04x", response.header().tag(),
                    expectedTag), 0);
        }
        byte[] bytes = response.bytes();
        TpmReader in = new TpmReader(bytes, TpmHeader.SIZE, bytes.length);
        int handle = layout.returnsHandle() ? in.u32("response handle") : 0;
        TpmReader parameters = in;
        if (authCount > 0) {
            int sizeAt = in.position();
            int parameterSize = in.u32("parameterSize");
            if (parameterSize < 0 || parameterSize > in.remaining()) {
                throw new TpmProtocolException("parameterSize " + Integer.toUnsignedString(parameterSize)
                        + " exceeds the " + in.remaining() + " bytes left", sizeAt);
            }
            int parametersEnd = in.position() + parameterSize;
            TpmReader authorizations = new TpmReader(bytes, parametersEnd, bytes.length);
            if (sessions != null) {
                parameters = new TpmReader(sessions.verifyResponse(in.bytes(parameterSize, "response parameters"),
                        authorizations));
            } else {
                CommandSessions.skipResponseAuthorizations(authorizations, authCount);
                parameters = new TpmReader(bytes, in.position(), parametersEnd);
            }
        }
        R result = command.readResponse(handle, parameters);
        parameters.expectEnd("response parameters");
        return result;
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry a TPM command", e);
        }
    }
}
