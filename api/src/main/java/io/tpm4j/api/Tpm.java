package io.tpm4j.api;

import io.tpm4j.api.commands.Certify;
import io.tpm4j.api.commands.CommandHandle;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.CreatePrimary;
import io.tpm4j.api.commands.Duplicate;
import io.tpm4j.api.commands.EncryptDecrypt2;
import io.tpm4j.api.commands.EvictControl;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.GetCapability;
import io.tpm4j.api.commands.GetRandom;
import io.tpm4j.api.commands.Hash;
import io.tpm4j.api.commands.HashSequenceStart;
import io.tpm4j.api.commands.Hmac;
import io.tpm4j.api.commands.HmacStart;
import io.tpm4j.api.commands.Import;
import io.tpm4j.api.commands.Load;
import io.tpm4j.api.commands.NvDefineSpace;
import io.tpm4j.api.commands.NvExtend;
import io.tpm4j.api.commands.NvIncrement;
import io.tpm4j.api.commands.NvRead;
import io.tpm4j.api.commands.NvReadPublic;
import io.tpm4j.api.commands.NvUndefineSpace;
import io.tpm4j.api.commands.NvWrite;
import io.tpm4j.api.commands.ObjectChangeAuth;
import io.tpm4j.api.commands.PcrEvent;
import io.tpm4j.api.commands.PcrExtend;
import io.tpm4j.api.commands.PcrRead;
import io.tpm4j.api.commands.Quote;
import io.tpm4j.api.commands.ReadClock;
import io.tpm4j.api.commands.ReadPublic;
import io.tpm4j.api.commands.RsaDecrypt;
import io.tpm4j.api.commands.RsaEncrypt;
import io.tpm4j.api.commands.SequenceComplete;
import io.tpm4j.api.commands.SequenceUpdate;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.commands.Startup;
import io.tpm4j.api.commands.TpmCommand;
import io.tpm4j.api.commands.Unseal;
import io.tpm4j.api.commands.VerifySignature;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.CommandSessions;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.AlgorithmProperty;
import io.tpm4j.api.types.CapabilityData;
import io.tpm4j.api.types.CommandAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TaggedProperty;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCap;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmPt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.types.TpmSu;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The TPM, as an application uses it: typed commands over any {@link TpmTransport}.
 *
 * <pre>{@code
 * try (Tpm tpm = Tpm.on(LinuxTpmDevice.open(Path.of("/dev/tpmrm0")))) {
 *     byte[] random = tpm.getRandom(32);
 * }
 * }</pre>
 *
 * Thread-safe as far as the transport is. Closing the {@code Tpm} closes its transport. Set the logger
 * {@code io.tpm4j.api.Tpm} to TRACE to hex-dump every command and response.
 */
public final class Tpm implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Tpm.class);
    /** Capability loops stop after this many round trips, whatever a TPM says about moreData. */
    private static final int MAX_CAPABILITY_CALLS = 256;
    /** NV reads and writes go in pieces no larger than the smallest TPM_PT_NV_BUFFER_MAX PC-client TPMs have. */
    private static final int NV_CHUNK = 512;
    /** Hash sequences are fed in pieces no larger than the smallest TPM_PT_INPUT_BUFFER (1024). */
    private static final int SEQUENCE_CHUNK = 1024;

    private final TpmTransport transport;
    private final RetryPolicy retries;
    /** Names of loaded objects, for cpHash; dropped when the handle is flushed or handed out again. */
    private final Map<Integer, byte[]> names = new java.util.concurrent.ConcurrentHashMap<>();

    /** The key that sessions protecting secret parameters are salted to; null for the default SRK. */
    private final TpmObject saltKey;
    /** False only after {@link #withoutParameterEncryption()}. */
    private final boolean encryptSecrets;
    /** The default SRK's Name as first seen by this Tpm; a different one later is refused. */
    private final java.util.concurrent.atomic.AtomicReference<byte[]> srkName;

    private Tpm(TpmTransport transport, RetryPolicy retries) {
        this(transport, retries, null, true, new java.util.concurrent.atomic.AtomicReference<>());
    }

    private Tpm(TpmTransport transport, RetryPolicy retries, TpmObject saltKey, boolean encryptSecrets,
                java.util.concurrent.atomic.AtomicReference<byte[]> srkName) {
        this.transport = transport;
        this.retries = retries;
        this.saltKey = saltKey;
        this.encryptSecrets = encryptSecrets;
        this.srkName = srkName;
    }

    /**
     * A {@code Tpm} that sends its commands through {@code transport}, retries as {@link RetryPolicy#defaults()}
     * says, and closes the transport when closed.
     */
    public static Tpm on(TpmTransport transport) {
        return new Tpm(Objects.requireNonNull(transport, "transport"), RetryPolicy.defaults());
    }

    /** The same TPM and transport with another retry policy. */
    public Tpm withRetries(RetryPolicy policy) {
        return new Tpm(transport, Objects.requireNonNull(policy, "policy"), saltKey, encryptSecrets, srkName);
    }

    /**
     * The same TPM, with the facade's secret-carrying calls (NV reads and writes, HMAC, encryption and
     * decryption, sealing) protected by sessions salted to {@code key}, a loaded RSA or ECC decryption key
     * whose public area the caller has checked. Without this the facade uses the standard ECC SRK, created
     * for each such call and required to keep the Name it had the first time.
     */
    public Tpm encryptingTo(TpmObject key) {
        return new Tpm(transport, retries, Objects.requireNonNull(key, "key"), true, srkName);
    }

    /**
     * The same TPM with parameter encryption turned off: secrets and passwords cross the bus in clear. For a
     * TPM that cannot do salted sessions, or a measurement of what encryption costs; say why where you call it.
     */
    public Tpm withoutParameterEncryption() {
        return new Tpm(transport, retries, null, false, srkName);
    }

    public RetryPolicy retries() {
        return retries;
    }

    public TpmTransport transport() {
        return transport;
    }

    /**
     * Runs one command and returns its parsed response. Handles carry their own authorisations; sessions
     * that only encrypt or audit come as {@code extraSessions}. With any session, every response HMAC is
     * checked before the response is used.
     *
     * @throws TpmResponseException  when the TPM answers with an error or warning code
     * @throws TpmProtocolException  when the response is malformed
     * @throws TpmIntegrityException when a session's response HMAC does not verify
     */
    public <R> R execute(TpmCommand<R> command, AuthSession... extraSessions) {
        List<Authorization> auths = command.handles().stream().flatMap(h -> h.authorization().stream()).toList();
        boolean withSessions = extraSessions.length > 0
                || auths.stream().anyMatch(a -> a instanceof Authorization.Hmac || a instanceof Authorization.Policy);
        if (command instanceof FlushContext flush) {
            names.remove(flush.flushHandle());
        } else if (command instanceof EvictControl evict) {
            names.remove(evict.persistentHandle());
        }
        if (!withSessions) {
            byte[] response = transmit(command.code(), frame(command, auths));
            return parse(command, auths.size(), response, null);
        }
        return executeWithSessions(command, auths, List.of(extraSessions));
    }

    /** Sends {@code request}, again after a back-off while the TPM answers with a retryable warning. */
    private byte[] transmit(TpmCc code, byte[] request) {
        byte[] response;
        TpmHeader header;
        for (int attempt = 1; ; attempt++) {
            if (log.isTraceEnabled()) {
                log.trace("{} -> {}", code.specName(), HexFormat.of().formatHex(request));
            }
            response = transport.transmit(request);
            if (log.isTraceEnabled()) {
                log.trace("{} <- {}", code.specName(), HexFormat.of().formatHex(response));
            }
            header = TpmHeader.ofResponse(response);
            if (header.code() == 0 || !retries.shouldRetry(header.code(), attempt)) {
                break;
            }
            Duration delay = retries.delayAfter(attempt);
            log.debug("{} answered {}; sending it again in {} ms (attempt {} of {})", code.specName(),
                    new ResponseCode(header.code()).describe(), delay.toMillis(), attempt + 1, retries.maxAttempts());
            sleep(delay);
        }
        if (header.code() != 0) {
            throw new TpmResponseException(code.value(), header.code());
        }
        return response;
    }

    private <R> R executeWithSessions(TpmCommand<R> command, List<Authorization> auths, List<AuthSession> extra) {
        TpmCc code = command.code();
        List<CommandHandle> handles = command.handles();
        List<byte[]> handleNames = new ArrayList<>(handles.size());
        List<byte[]> entityNames = new ArrayList<>(auths.size());
        Map<Integer, byte[]> known = new java.util.HashMap<>(); // an NV command names its index twice
        for (CommandHandle handle : handles) {
            byte[] name = known.computeIfAbsent(handle.handle(), this::nameOf);
            handleNames.add(name);
            if (handle.authorization().isPresent()) {
                entityNames.add(name);
            }
        }
        CommandSessions sessions = CommandSessions.of(code, auths, entityNames, extra,
                command.firstCommandParameterSized(), command.firstResponseParameterSized());
        TpmWriter plain = new TpmWriter(64);
        command.writeParameters(plain);
        byte[] parameters = sessions.protectParameters(plain.toByteArray());
        byte[] authArea = sessions.authorizationArea(handleNames, parameters);
        TpmWriter out = new TpmWriter(TpmHeader.SIZE + 4 * handles.size() + 4 + authArea.length + parameters.length);
        out.u16(TpmHeader.ST_SESSIONS).u32(0).u32(code.value());
        handles.forEach(h -> out.u32(h.handle()));
        out.u32(authArea.length).bytes(authArea).bytes(parameters);
        byte[] response = transmit(code, out.u32At(2, out.size()).toByteArray());
        return parse(command, auths.size() + extra.size(), response, sessions);
    }

    /**
     * Runs {@code work} with a salted HMAC session that encrypts the first parameter of commands and responses
     * (or with null, when parameter encryption is turned off), and flushes what it started.
     */
    private <T> T withSecretChannel(Function<AuthSession, T> work) {
        if (!encryptSecrets) {
            return work.apply(null);
        }
        AuthSession session;
        if (saltKey != null) {
            session = startSession(Session.hmac(TpmAlg.SHA256).salted(saltKey.handle(), saltKey.publicArea()).encrypted());
        } else {
            // The salt key is needed only to start the session: flushed at once, it takes no object slot.
            try (TpmObject srk = defaultSrk()) {
                session = startSession(Session.hmac(TpmAlg.SHA256).salted(srk.handle(), srk.publicArea()).encrypted());
            }
        }
        try (session) {
            return work.apply(session);
        }
    }

    /** The standard ECC SRK, trusted on first use: later calls must find the same Name. */
    private TpmObject defaultSrk() {
        TpmObject srk = createPrimary(TpmRh.OWNER, Templates.srkEccP256());
        byte[] first = srkName.compareAndExchange(null, srk.name());
        if (first != null && !Arrays.equals(first, srk.name())) {
            srk.close();
            throw new TpmIntegrityException(TpmCc.CREATE_PRIMARY.value(), "the storage root key's Name changed since "
                    + "this Tpm first saw it; refusing to encrypt secrets to it (was the owner hierarchy cleared, or "
                    + "is the TPM not the one it was?)");
        }
        return srk;
    }

    /** Inside the secret channel a password becomes an HMAC proof with the channel's session. */
    private static Authorization protect(Authorization auth, AuthSession channel) {
        return channel != null && auth instanceof Authorization.Password p ? Authorization.session(channel, p.authValue())
                : auth;
    }

    /** The channel as an extra session where the authorisation does not run in it. */
    private static AuthSession[] alongside(Authorization original, AuthSession channel) {
        return channel == null || original instanceof Authorization.Password ? new AuthSession[0]
                : new AuthSession[] {channel};
    }

    /**
     * The Name of the entity behind {@code handle}, as cpHash needs it: the handle itself for PCRs, sessions
     * and permanent handles; the TPM's Name for objects (kept until the handle is flushed or reused) and NV
     * indices (asked each time, since writing an index changes it). A wrong Name cannot authorise anything:
     * the TPM computes cpHash with its own.
     */
    public byte[] nameOf(int handle) {
        int type = handle >>> 24;
        if (type == TpmHt.TRANSIENT.value() || type == TpmHt.PERSISTENT.value()) {
            byte[] name = names.get(handle);
            if (name == null) {
                try {
                    name = execute(new ReadPublic(handle)).name();
                } catch (TpmResponseException e) {
                    if (!e.is(TpmRc.SEQUENCE)) {
                        throw e;
                    }
                    // A hash or HMAC sequence has no public area and an empty Name.
                    name = new byte[0];
                }
                names.put(handle, name);
            }
            return name.clone();
        }
        if (type == TpmHt.NV_INDEX.value()) {
            return execute(new NvReadPublic(handle)).nvName();
        }
        return new TpmWriter(4).u32(handle).toByteArray();
    }

    /** Starts {@code options} on the TPM; close the session to flush it. */
    public AuthSession startSession(Session options) {
        return AuthSession.start(this, options);
    }

    /** Header, handle area, authorisation area (with its size) when any handle is authorised, parameters. */
    private static byte[] frame(TpmCommand<?> command, List<Authorization> auths) {
        TpmWriter out = new TpmWriter(64);
        out.u16(auths.isEmpty() ? TpmHeader.ST_NO_SESSIONS : TpmHeader.ST_SESSIONS).u32(0).u32(command.code().value());
        for (CommandHandle handle : command.handles()) {
            out.u32(handle.handle());
        }
        if (!auths.isEmpty()) {
            int sizeAt = out.size();
            out.u32(0);
            for (Authorization auth : auths) {
                auth.writeCommandAuth(out);
            }
            out.u32At(sizeAt, out.size() - sizeAt - 4);
        }
        command.writeParameters(out);
        return out.u32At(2, out.size()).toByteArray();
    }

    /**
     * A successful response: the handle if the command returns one; with sessions, parameterSize, the
     * parameters and one TPMS_AUTH_RESPONSE per session, which {@code sessions} (when any session needs
     * it) checks before the parameters are parsed.
     */
    private <R> R parse(TpmCommand<R> command, int authCount, byte[] response, CommandSessions sessions) {
        try {
            return parseResponse(command, authCount, response, sessions);
        } catch (TpmProtocolException e) {
            // Field names stay constant strings on the hot path; the command is named once, here.
            throw e.within(command.code().specName() + " response");
        }
    }

    private <R> R parseResponse(TpmCommand<R> command, int authCount, byte[] response, CommandSessions sessions) {
        TpmHeader header = TpmHeader.ofResponse(response);
        int expectedTag = authCount == 0 ? TpmHeader.ST_NO_SESSIONS : TpmHeader.ST_SESSIONS;
        if (header.tag() != expectedTag) {
            throw new TpmProtocolException(String.format("tag 0x%04x, expected 0x%04x", header.tag(), expectedTag), 0);
        }
        TpmReader in = new TpmReader(response, TpmHeader.SIZE, response.length);
        int handle = command.returnsHandle() ? in.u32("response handle") : 0;
        if (handle != 0) {
            names.remove(handle);
        }
        if (authCount == 0) {
            R result = command.readResponse(handle, in);
            in.expectEnd("response parameters");
            return result;
        }
        int sizeAt = in.position();
        int parameterSize = in.u32("parameterSize");
        if (parameterSize < 0 || parameterSize > in.remaining()) {
            throw new TpmProtocolException("parameterSize " + Integer.toUnsignedString(parameterSize)
                    + " exceeds the " + in.remaining() + " bytes left", sizeAt);
        }
        int parametersEnd = in.position() + parameterSize;
        TpmReader authorizations = new TpmReader(response, parametersEnd, response.length);
        TpmReader parameters;
        if (sessions != null) {
            parameters = new TpmReader(sessions.verifyResponse(in.bytes(parameterSize, "response parameters"),
                    authorizations));
        } else {
            for (int i = 0; i < authCount; i++) {
                authorizations.tpm2b(64, "TPMS_AUTH_RESPONSE.nonce");
                authorizations.u8("TPMS_AUTH_RESPONSE.sessionAttributes");
                authorizations.tpm2b(64, "TPMS_AUTH_RESPONSE.hmac");
            }
            authorizations.expectEnd("response authorization area");
            parameters = new TpmReader(response, in.position(), parametersEnd);
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

    /** TPM2_Startup. */
    public void startup(TpmSu type) {
        execute(new Startup(type));
    }

    /**
     * Starts the TPM with Startup(CLEAR) unless it is already started (TPM_RC_INITIALIZE).
     *
     * @return whether this call started it
     */
    public boolean startupIfNeeded() {
        try {
            startup(TpmSu.CLEAR);
            return true;
        } catch (TpmResponseException e) {
            if (e.is(TpmRc.INITIALIZE)) {
                return false;
            }
            throw e;
        }
    }

    /** {@code count} random bytes from the TPM's RNG, in as many TPM2_GetRandom calls as it takes. */
    public byte[] getRandom(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(count);
        while (out.size() < count) {
            byte[] chunk = execute(new GetRandom(Math.min(count - out.size(), GetRandom.MAX_BYTES))).randomBytes();
            if (chunk.length == 0) {
                throw new TpmProtocolException("TPM2_GetRandom returned no bytes", -1);
            }
            out.writeBytes(chunk);
        }
        return out.toByteArray();
    }

    /** One TPM2_GetCapability call. */
    public GetCapability.Response getCapability(TpmCap capability, int property, int count) {
        return execute(new GetCapability(capability, property, count));
    }

    /** All TPM properties from {@code first} up to the end of its group (fixed or variable), in order. */
    public List<TaggedProperty> properties(int first) {
        int group = first & 0xFFFFFF00;
        return properties(first, group + 0xFF).stream().filter(p -> (p.property() & 0xFFFFFF00) == group).toList();
    }

    /**
     * The fixed (PT_FIXED) and variable (PT_VAR) TPM properties, keyed by TPM_PT: one paging run per group,
     * since a TPM ends an answer at its group's end (moreData refers to that group only).
     */
    public Map<Integer, Integer> allProperties() {
        Map<Integer, Integer> out = new LinkedHashMap<>();
        for (int group : new int[] {TpmPt.PT_FIXED, TpmPt.PT_VAR}) {
            for (TaggedProperty p : properties(group)) {
                out.put(p.property(), p.value());
            }
        }
        return out;
    }

    private List<TaggedProperty> properties(int first, int last) {
        return collect(TpmCap.TPM_PROPERTIES, first, last, d -> ((CapabilityData.Properties) d).properties(),
                TaggedProperty::property);
    }

    /** The algorithms the TPM implements. */
    public List<AlgorithmProperty> algorithms() {
        return collect(TpmCap.ALGS, 0, 0xFFFF, d -> ((CapabilityData.Algorithms) d).algorithms(), AlgorithmProperty::alg);
    }

    /** The commands the TPM implements, with their attributes. */
    public List<CommandAttributes> commands() {
        return collect(TpmCap.COMMANDS, 0, -1, d -> ((CapabilityData.Commands) d).commands(),
                CommandAttributes::commandCode);
    }

    /**
     * The handles of one type the TPM has: loaded transient objects, persistent objects, NV indices, PCRs,
     * permanent handles. Sessions are listed by {@link #loadedSessions()} and {@link #savedSessions()}.
     *
     * @throws IllegalArgumentException for a session type, whose capability range means something else
     */
    public List<Integer> handles(TpmHt type) {
        if (type == TpmHt.HMAC_SESSION || type == TpmHt.POLICY_SESSION) {
            throw new IllegalArgumentException("TPM_CAP_HANDLES lists sessions by state (loaded, saved), not by type "
                    + type + "; use loadedSessions() or savedSessions()");
        }
        return collect(TpmCap.HANDLES, type.firstHandle(), type.firstHandle() | 0xFFFFFF,
                d -> ((CapabilityData.Handles) d).handles(), h -> h).stream().filter(type::contains).toList();
    }

    /** The sessions loaded in the TPM, HMAC and policy (TPM_HT_LOADED_SESSION). */
    public List<Integer> loadedSessions() {
        return sessions(TpmHt.HMAC_SESSION.firstHandle());
    }

    /** The sessions saved with TPM2_ContextSave and not loaded, still counted by the TPM (TPM_HT_SAVED_SESSION). */
    public List<Integer> savedSessions() {
        return sessions(TpmHt.POLICY_SESSION.firstHandle());
    }

    /**
     * TPM_CAP_HANDLES over a session range: the answer holds HMAC (0x02) and policy (0x03) handles alike, so
     * paging goes by the session's slot number within the range asked for.
     */
    private List<Integer> sessions(int range) {
        return collect(TpmCap.HANDLES, range, range | 0xFFFFFF, d -> ((CapabilityData.Handles) d).handles(),
                h -> range | (h & 0xFFFFFF)).stream()
                .filter(h -> TpmHt.HMAC_SESSION.contains(h) || TpmHt.POLICY_SESSION.contains(h)).toList();
    }

    /** The PCR banks and which PCRs each has allocated. */
    public List<PcrSelection> pcrBanks() {
        return ((CapabilityData.Pcrs) getCapability(TpmCap.PCRS, 0, 1).data()).banks();
    }

    /** One TPM2_PCR_Read call: at most 8 values come back; the response says which. */
    public PcrRead.Response pcrRead(List<PcrSelection> selection) {
        return execute(new PcrRead(selection));
    }

    /**
     * The values of {@code pcrs} in the bank of {@code bank}, in as many TPM2_PCR_Read calls as it takes.
     * PCRs within the TPM's selection size that the bank does not have are absent from the result; an index
     * beyond that size is refused by the TPM (TPM_RC_VALUE).
     */
    public Map<Integer, byte[]> pcrValues(TpmAlg bank, int... pcrs) {
        Map<Integer, byte[]> values = new LinkedHashMap<>();
        List<Integer> wanted = new ArrayList<>();
        for (int pcr : pcrs) {
            wanted.add(pcr);
        }
        while (!wanted.isEmpty()) {
            PcrSelection ask = PcrSelection.of(bank, wanted.stream().mapToInt(Integer::intValue).toArray());
            PcrRead.Response response = pcrRead(List.of(ask));
            List<Integer> got = response.pcrSelectionOut().stream()
                    .filter(s -> s.hashAlg() == bank.value()).flatMap(s -> s.indices().stream()).toList();
            if (got.size() != response.pcrValues().size()) {
                throw new TpmProtocolException("TPM2_PCR_Read selected " + got.size() + " PCRs but returned "
                        + response.pcrValues().size() + " values", -1);
            }
            if (got.isEmpty()) {
                break;
            }
            for (int i = 0; i < got.size(); i++) {
                if (!wanted.remove(got.get(i))) {
                    throw new TpmProtocolException("TPM2_PCR_Read returned PCR " + got.get(i) + ", which was not asked for", -1);
                }
                values.put(got.get(i), response.pcrValues().get(i));
            }
        }
        return values;
    }

    /** Extends {@code pcr} with {@code digests} (one per bank), authorised with an empty password. */
    public void pcrExtend(int pcr, TaggedDigest... digests) {
        execute(new PcrExtend(pcr, Authorization.emptyPassword(), List.of(digests)));
    }

    /**
     * TPM2_CreatePrimary under {@code hierarchy} (e.g. {@code TpmRh.OWNER}, authorised with an empty password)
     * from {@code template}; close the result to flush it.
     */
    public TpmObject createPrimary(int hierarchy, PublicArea template) {
        CreatePrimary.Response r = execute(new CreatePrimary(hierarchy, Authorization.emptyPassword(),
                SensitiveCreate.EMPTY, template, new byte[0], List.of()));
        return new TpmObject(this, r.objectHandle(), r.outPublic(), r.name());
    }

    /**
     * TPM2_Create under a loaded storage parent with sensitive data: the object's authValue, and the data
     * of a sealed object or a key's bits. They travel encrypted (see {@link #encryptingTo}).
     */
    public Create.Response create(TpmObject parent, PublicArea template, SensitiveCreate sensitive) {
        Authorization parentAuth = Authorization.emptyPassword();
        return withSecretChannel(channel -> execute(new Create(parent.handle(), protect(parentAuth, channel), sensitive,
                template, new byte[0], List.of()), alongside(parentAuth, channel)));
    }

    /**
     * TPM2_ObjectChangeAuth: the object's private area re-made with {@code newAuth} (load it under the same
     * parent to use it). The old authValue is proven by HMAC and the new one travels encrypted.
     */
    public byte[] changeAuth(TpmObject object, TpmObject parent, byte[] oldAuth, byte[] newAuth) {
        Authorization auth = Authorization.password(oldAuth);
        return withSecretChannel(channel -> execute(new ObjectChangeAuth(object.handle(), protect(auth, channel),
                parent.handle(), newAuth), alongside(auth, channel)).outPrivate());
    }

    /**
     * TPM2_Duplicate of {@code object} (its DUP role: usually a policy session) for {@code newParent}, with
     * an AES-128-CFB inner wrapper whose key the TPM picks; that key comes back encrypted.
     */
    public Duplicate.Response duplicate(TpmObject object, Authorization objectAuth, TpmObject newParent) {
        return withSecretChannel(channel -> execute(new Duplicate(object.handle(), protect(objectAuth, channel),
                newParent.handle(), new byte[0], SymmetricDefinition.AES_128_CFB), alongside(objectAuth, channel)));
    }

    /** TPM2_Import of a {@link #duplicate} made for {@code parent}; the inner wrapper key travels encrypted. */
    public Create.Response importDuplicate(TpmObject parent, PublicArea objectPublic, Duplicate.Response duplicate) {
        Authorization parentAuth = Authorization.emptyPassword();
        byte[] imported = withSecretChannel(channel -> execute(new Import(parent.handle(), protect(parentAuth, channel),
                duplicate.encryptionKeyOut(), objectPublic, duplicate.duplicate(), duplicate.outSymSeed(),
                SymmetricDefinition.AES_128_CFB), alongside(parentAuth, channel)).outPrivate());
        return new Create.Response(imported, objectPublic, new byte[0], new byte[0], Sign.nullTicket());
    }

    /**
     * TPM2_Create under a loaded storage parent (authorised with an empty password) from {@code template};
     * load the result with {@link #load}.
     */
    public Create.Response create(TpmObject parent, PublicArea template) {
        return execute(new Create(parent.handle(), Authorization.emptyPassword(), SensitiveCreate.EMPTY, template,
                new byte[0], List.of()));
    }

    /** TPM2_Load of an object TPM2_Create made under {@code parent}; close the result to flush it. */
    public TpmObject load(TpmObject parent, Create.Response created) {
        Load.Response r = execute(new Load(parent.handle(), Authorization.emptyPassword(), created.outPrivate(),
                created.outPublic()));
        return new TpmObject(this, r.objectHandle(), created.outPublic(), r.name());
    }

    /** TPM2_Sign of {@code digest} with the key's own scheme (an empty password authorises the key). */
    public Signature sign(TpmObject key, byte[] digest) {
        return execute(new Sign(key.handle(), Authorization.emptyPassword(), digest, Scheme.NULL, Sign.nullTicket()))
                .signature();
    }

    /** TPM2_VerifySignature: the TPM's verdict, as TPM_RC_SIGNATURE for a bad signature. */
    public Ticket verifySignature(TpmObject key, byte[] digest, Signature signature) {
        return execute(new VerifySignature(key.handle(), digest, signature)).validation();
    }

    /** TPM2_NV_DefineSpace under the owner hierarchy (empty owner password). */
    public void nvDefine(NvPublic publicInfo, byte[] indexAuth) {
        Authorization owner = Authorization.emptyPassword();
        withSecretChannel(channel -> execute(new NvDefineSpace(TpmRh.OWNER, protect(owner, channel), indexAuth, publicInfo),
                alongside(owner, channel)));
    }

    /** TPM2_NV_UndefineSpace under the owner hierarchy (empty owner password). */
    public void nvUndefine(int nvIndex) {
        execute(new NvUndefineSpace(TpmRh.OWNER, Authorization.emptyPassword(), nvIndex));
    }

    /** TPM2_NV_ReadPublic. */
    public NvReadPublic.Response nvReadPublic(int nvIndex) {
        return execute(new NvReadPublic(nvIndex));
    }

    /** Writes {@code data} from offset 0, authorised by the index itself, in chunks every TPM accepts. */
    public void nvWrite(int nvIndex, Authorization indexAuth, byte[] data) {
        withSecretChannel(channel -> {
            int offset = 0;
            do {
                byte[] chunk = Arrays.copyOfRange(data, offset, Math.min(data.length, offset + NV_CHUNK));
                execute(new NvWrite(nvIndex, protect(indexAuth, channel), nvIndex, chunk, offset),
                        alongside(indexAuth, channel));
                offset += NV_CHUNK;
            } while (offset < data.length);
            return null;
        });
    }

    /** Reads the whole index, authorised by the index itself, in chunks every TPM accepts. */
    public byte[] nvRead(int nvIndex, Authorization indexAuth) {
        int size = nvReadPublic(nvIndex).nvPublic().dataSize();
        return withSecretChannel(channel -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream(size);
            for (int offset = 0; offset < size; offset += NV_CHUNK) {
                int length = Math.min(NV_CHUNK, size - offset);
                byte[] chunk = execute(new NvRead(nvIndex, protect(indexAuth, channel), nvIndex, length, offset),
                        alongside(indexAuth, channel)).data();
                if (chunk.length != length) {
                    throw new TpmProtocolException("TPM2_NV_Read returned " + chunk.length + " of " + length + " bytes", -1);
                }
                out.writeBytes(chunk);
            }
            return out.toByteArray();
        });
    }

    /** TPM2_NV_Increment of a counter index, authorised by the index itself. */
    public void nvIncrement(int nvIndex, Authorization indexAuth) {
        execute(new NvIncrement(nvIndex, indexAuth, nvIndex));
    }

    /** TPM2_NV_Extend of an extend index, authorised by the index itself. */
    public void nvExtend(int nvIndex, Authorization indexAuth, byte[] data) {
        execute(new NvExtend(nvIndex, indexAuth, nvIndex, data));
    }

    /** TPM2_Hash of up to TPM_PT_INPUT_BUFFER bytes, with no ticket (hierarchy TPM_RH_NULL). */
    public byte[] hash(TpmAlg hashAlg, byte[] data) {
        return execute(new Hash(data, hashAlg, TpmRh.NULL)).outHash();
    }

    /** TPM2_ReadClock. */
    public ReadClock.Response readClock() {
        return execute(new ReadClock());
    }

    /** TPM2_PCR_Event: the TPM hashes {@code eventData} in every bank and extends {@code pcr} (empty password). */
    public List<TaggedDigest> pcrEvent(int pcr, byte[] eventData) {
        return execute(new PcrEvent(pcr, Authorization.emptyPassword(), eventData)).digests();
    }

    /** TPM2_EvictControl by the owner (empty password): persists {@code object} at {@code persistentHandle}. */
    public void persist(TpmObject object, int persistentHandle) {
        execute(new EvictControl(TpmRh.OWNER, Authorization.emptyPassword(), object.handle(), persistentHandle));
    }

    /** TPM2_EvictControl by the owner (empty password): removes the persistent object at {@code persistentHandle}. */
    public void evict(int persistentHandle) {
        execute(new EvictControl(TpmRh.OWNER, Authorization.emptyPassword(), persistentHandle, persistentHandle));
    }

    /** TPM2_Quote of {@code pcrs} with {@code nonce}, signed by an attestation key (empty password). */
    public SignedAttest quote(TpmObject attestationKey, byte[] nonce, List<PcrSelection> pcrs) {
        return execute(new Quote(attestationKey.handle(), Authorization.emptyPassword(), nonce, Scheme.NULL, pcrs));
    }

    /**
     * Hashes data of any length in the TPM with a hash sequence (TPM2_HashSequenceStart, SequenceUpdate in
     * pieces, SequenceComplete), for data longer than one TPM2_Hash can carry.
     */
    public byte[] hashSequence(TpmAlg hashAlg, byte[] data) {
        return completeSequence(execute(new HashSequenceStart(new byte[0], hashAlg)).sequenceHandle(), data, null);
    }

    /**
     * The HMAC of {@code data} with a loaded keyed-hash key (its own hash algorithm; an empty authValue
     * authorises it): one TPM2_HMAC when the data fits a TPM buffer, else an HMAC sequence. Data and result
     * travel encrypted.
     */
    public byte[] hmac(TpmObject key, byte[] data) {
        return withSecretChannel(channel -> {
            Authorization auth = protect(Authorization.emptyPassword(), channel);
            if (data.length <= SEQUENCE_CHUNK) {
                return execute(new Hmac(key.handle(), auth, data, TpmAlg.NULL.value())).outHmac();
            }
            return completeSequence(execute(new HmacStart(key.handle(), auth, new byte[0], TpmAlg.NULL.value()))
                    .sequenceHandle(), data, channel);
        });
    }

    /** Feeds {@code data} to a hash or HMAC sequence in TPM-buffer chunks and completes it; flushes it on failure. */
    private byte[] completeSequence(int sequence, byte[] data, AuthSession channel) {
        Authorization auth = protect(Authorization.emptyPassword(), channel);
        try {
            int offset = 0;
            for (; data.length - offset > SEQUENCE_CHUNK; offset += SEQUENCE_CHUNK) {
                execute(new SequenceUpdate(sequence, auth, Arrays.copyOfRange(data, offset, offset + SEQUENCE_CHUNK)));
            }
            // SequenceComplete ends the sequence only when it succeeds.
            return execute(new SequenceComplete(sequence, auth, Arrays.copyOfRange(data, offset, data.length),
                    TpmRh.NULL)).result();
        } catch (TpmResponseException | TpmProtocolException | TpmIntegrityException e) {
            try {
                execute(new FlushContext(sequence));
            } catch (TpmException flush) {
                e.addSuppressed(flush);
            }
            throw e;
        }
    }

    /**
     * Encrypts with a loaded symmetric key in its own mode, starting from {@code iv}; data of any length is
     * sent in TPM-buffer chunks, each continuing from the previous chunk's IV.
     */
    public byte[] encrypt(TpmObject key, byte[] iv, byte[] data) {
        return symmetric(key, iv, data, false);
    }

    /** The inverse of {@link #encrypt}. */
    public byte[] decrypt(TpmObject key, byte[] iv, byte[] data) {
        return symmetric(key, iv, data, true);
    }

    private byte[] symmetric(TpmObject key, byte[] iv, byte[] data, boolean decrypt) {
        return withSecretChannel(channel -> {
            Authorization auth = protect(Authorization.emptyPassword(), channel);
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length);
            byte[] chainIv = iv;
            int offset = 0;
            do {
                int end = Math.min(data.length, offset + EncryptDecrypt2.MAX_BUFFER);
                EncryptDecrypt2.Response r = execute(new EncryptDecrypt2(key.handle(), auth,
                        Arrays.copyOfRange(data, offset, end), decrypt, TpmAlg.NULL.value(), chainIv));
                out.writeBytes(r.outData());
                chainIv = r.ivOut();
                offset = end;
            } while (offset < data.length);
            return out.toByteArray();
        });
    }

    /** TPM2_Certify: {@code signer} attests that {@code object} is loaded in this TPM (empty passwords for both). */
    public SignedAttest certify(TpmObject object, TpmObject signer, byte[] qualifyingData) {
        return execute(new Certify(object.handle(), Authorization.emptyPassword(), signer.handle(),
                Authorization.emptyPassword(), qualifyingData, Scheme.NULL));
    }

    /**
     * Seals {@code data} under {@code parent}: a sealed data object usable only through {@code policy} (no
     * userWithAuth), with {@code authValue} for a policy that asks for it (PolicyAuthValue or PolicyPassword).
     * The data and authValue reach the TPM encrypted, in a session salted to the parent as this Tpm loaded it.
     */
    public Create.Response seal(TpmObject parent, byte[] data, PolicyDigest policy, byte[] authValue) {
        PublicArea template = new PublicArea(policy.hash(), ObjectAttributes.of(ObjectAttributes.FIXED_TPM,
                ObjectAttributes.FIXED_PARENT, ObjectAttributes.NO_DA), policy.digest(),
                new PublicParameters.KeyedHash(Scheme.NULL), new PublicId.Digest(new byte[0]));
        try (AuthSession session = startSession(Session.hmac(TpmAlg.SHA256).salted(parent.handle(), parent.publicArea())
                .encryptingCommands())) {
            return execute(new Create(parent.handle(), Authorization.session(session, new byte[0]),
                    new SensitiveCreate(authValue, data), template, new byte[0], List.of()));
        }
    }

    /** {@link #seal(TpmObject, byte[], PolicyDigest, byte[])} for a policy that needs no authValue. */
    public Create.Response seal(TpmObject parent, byte[] data, PolicyDigest policy) {
        return seal(parent, data, policy, new byte[0]);
    }

    /**
     * Loads a sealed object under {@code parent}, runs {@code policy} on a fresh policy session (e.g.
     * TPM2_PolicyPCR), and unseals; the data comes back encrypted in a session salted to the parent.
     * Everything it loads or starts is flushed again.
     *
     * @param proof what the policy asks for besides its digest, with {@code authValue}
     */
    public byte[] unseal(TpmObject parent, Create.Response sealed, Consumer<AuthSession> policy,
                         Authorization.PolicyProof proof, byte[] authValue) {
        try (TpmObject object = load(parent, sealed);
             AuthSession encryption = startSession(Session.hmac(TpmAlg.SHA256).salted(parent.handle(),
                     parent.publicArea()).encryptingResponses());
             AuthSession session = startSession(Session.policy(sealed.outPublic().nameAlg()))) {
            policy.accept(session);
            return execute(new Unseal(object.handle(), Authorization.policy(session, proof, authValue)), encryption)
                    .outData();
        }
    }

    /** {@link #unseal(TpmObject, Create.Response, Consumer, Authorization.PolicyProof, byte[])} for a policy without authValue. */
    public byte[] unseal(TpmObject parent, Create.Response sealed, Consumer<AuthSession> policy) {
        return unseal(parent, sealed, policy, Authorization.PolicyProof.NONE, new byte[0]);
    }

    /** TPM2_RSA_Decrypt with the key's own scheme and an empty label (empty password authorises the key). */
    public byte[] rsaDecrypt(TpmObject key, byte[] cipherText) {
        return withSecretChannel(channel -> execute(new RsaDecrypt(key.handle(),
                protect(Authorization.emptyPassword(), channel), cipherText, Scheme.NULL, new byte[0])).message());
    }

    /** TPM2_RSA_Encrypt with the key's own scheme and an empty label. */
    public byte[] rsaEncrypt(TpmObject key, byte[] message) {
        return execute(new RsaEncrypt(key.handle(), message, Scheme.NULL, new byte[0])).outData();
    }

    /** TPM2_ReadPublic. */
    public ReadPublic.Response readPublic(int handle) {
        return execute(new ReadPublic(handle));
    }

    /** Closes the transport. */
    @Override
    public void close() {
        transport.close();
    }

    /**
     * Pages through one capability group from {@code first} until the TPM says there is no more or a page
     * reaches {@code last} (unsigned; -1 for no bound), and never beyond MAX_CAPABILITY_CALLS round trips.
     */
    private <T> List<T> collect(TpmCap cap, int first, int last, Function<CapabilityData, List<T>> items,
                                ToIntFunction<T> key) {
        List<T> all = new ArrayList<>();
        int next = first;
        for (int call = 0; call < MAX_CAPABILITY_CALLS; call++) {
            GetCapability.Response response = getCapability(cap, next, 1024);
            List<T> page = items.apply(response.data());
            all.addAll(page);
            if (!response.moreData() || page.isEmpty()) {
                return all;
            }
            int reached = key.applyAsInt(page.getLast());
            if (Integer.compareUnsigned(reached, last) >= 0) {
                return all;
            }
            if (Integer.compareUnsigned(reached + 1, next) <= 0) {
                throw new TpmProtocolException("TPM2_GetCapability(" + cap + ") did not advance past 0x"
                        + Integer.toHexString(reached), -1);
            }
            next = reached + 1;
        }
        throw new TpmProtocolException("TPM2_GetCapability(" + cap + ") still had more data after "
                + MAX_CAPABILITY_CALLS + " calls", -1);
    }
}
