package io.tpm4j.api;

import io.tpm4j.api.commands.Certify;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.CreatePrimary;
import io.tpm4j.api.commands.Duplicate;
import io.tpm4j.api.commands.EvictControl;
import io.tpm4j.api.commands.GetCapability;
import io.tpm4j.api.commands.GetRandom;
import io.tpm4j.api.commands.Hash;
import io.tpm4j.api.commands.HashSequenceStart;
import io.tpm4j.api.commands.Import;
import io.tpm4j.api.commands.Load;
import io.tpm4j.api.commands.NvDefineSpace;
import io.tpm4j.api.commands.NvExtend;
import io.tpm4j.api.commands.NvIncrement;
import io.tpm4j.api.commands.NvReadPublic;
import io.tpm4j.api.commands.NvUndefineSpace;
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
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.AlgorithmProperty;
import io.tpm4j.api.types.CommandAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TaggedProperty;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCap;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.types.TpmSu;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The TPM, as an application uses it: typed commands over any {@link TpmTransport}.
 *
 * <pre>{@code
 * try (Tpm tpm = Tpm.on(LinuxTpmDevice.open(Path.of("/dev/tpmrm0")))) {
 *     byte[] random = tpm.getRandom(32);
 * }
 * }</pre>
 *
 * Calls that carry secrets run in the secret channel, a salted session kept across calls (see
 * {@link #encryptingTo} and {@link #withoutParameterEncryption}). Thread-safe as far as the transport is.
 * Closing the {@code Tpm} flushes the channel's sessions and closes its transport. Set the logger
 * {@code io.tpm4j.api.Tpm} to TRACE to hex-dump every command and response.
 */
public final class Tpm implements AutoCloseable {

    /** What every view of one TPM shares: NV indices, the secret channels. */
    private record Shared(NvIndexes nv, SecretChannels channels) {
        Shared() {
            this(new NvIndexes(), new SecretChannels());
        }
    }

    private final CommandExecutor executor;
    private final Shared shared;
    /** The sessions that carry the facade's secrets; null after {@link #withoutParameterEncryption()}. */
    private final SecretChannel channel;
    private final SecretCalls secret;
    private final TpmCapabilities capabilities;

    private Tpm(CommandExecutor executor, Shared shared, SecretChannel channel) {
        this.executor = executor;
        this.shared = shared;
        this.channel = channel;
        this.secret = new SecretCalls(executor, channel);
        this.capabilities = new TpmCapabilities(executor);
    }

    /**
     * A {@code Tpm} that sends its commands through {@code transport}, retries as {@link RetryPolicy#defaults()}
     * says, and closes the transport when closed.
     */
    public static Tpm on(TpmTransport transport) {
        CommandExecutor executor = new CommandExecutor(Objects.requireNonNull(transport, "transport"),
                RetryPolicy.defaults());
        Shared shared = new Shared();
        return new Tpm(executor, shared, shared.channels().salted(executor, null));
    }

    /** The same TPM and transport with another retry policy. */
    public Tpm withRetries(RetryPolicy policy) {
        return new Tpm(executor.withRetries(Objects.requireNonNull(policy, "policy")), shared, channel);
    }

    /**
     * The same TPM, with the facade's secret-carrying calls (NV reads and writes, HMAC, encryption and
     * decryption, sealing) protected by a session salted to {@code key}, a loaded RSA or ECC decryption key
     * whose public area the caller has checked. Without this the facade salts to the storage root key: a standard
     * one persisted at 0x81000001, else the standard ECC SRK, created when a session starts and required to keep
     * the Name it had the first time. Either way the session is kept across calls (see {@link #close()}).
     */
    public Tpm encryptingTo(TpmObject key) {
        return encryptingTo(key.handle(), key.publicArea());
    }

    /** {@link #encryptingTo(TpmObject)} for a key the caller loaded itself: its handle and checked public area. */
    public Tpm encryptingTo(int handle, PublicArea publicArea) {
        return new Tpm(executor, shared, shared.channels().salted(executor,
                new SecretChannel.SaltKey(handle, Objects.requireNonNull(publicArea, "publicArea"))));
    }

    /**
     * Runs {@code work} with a session of the secret channel: for the caller's own commands that carry secrets, or
     * that should prove a key's use by HMAC over its Name. A session the TPM lost is replaced and {@code work} run
     * once more (its command was refused, so repeating it is safe). Not on a view without parameter encryption.
     */
    public <T> T inSecretSession(Function<AuthSession, T> work) {
        if (channel == null) {
            throw new IllegalStateException("this Tpm has parameter encryption turned off: it has no secret channel");
        }
        return channel.run(work);
    }

    /**
     * The same TPM with parameter encryption turned off: secrets and passwords cross the bus in clear. For a
     * TPM that cannot do salted sessions, or a measurement of what encryption costs; say why where you call it.
     */
    public Tpm withoutParameterEncryption() {
        return new Tpm(executor, shared, null);
    }

    public RetryPolicy retries() {
        return executor.retries();
    }

    public TpmTransport transport() {
        return executor.transport();
    }

    /**
     * Runs one command and returns its parsed response. Handles carry their own authorisations; sessions
     * that only encrypt or audit come as {@code extraSessions}. With any session, every response HMAC is
     * checked before the response is used; the Names cpHash needs come with the authorisations
     * ({@link Authorization#forEntity}) or are read from the TPM for this command. When the TPM has no room for
     * another session (TPM_RC_SESSION_MEMORY) and the facade's secret channel holds idle sessions, they are flushed
     * and the command is sent once more.
     *
     * @throws TpmResponseException  when the TPM answers with an error or warning code
     * @throws TpmProtocolException  when the response is malformed
     * @throws TpmIntegrityException when a session's response HMAC does not verify
     */
    public <R> R execute(TpmCommand<R> command, AuthSession... extraSessions) {
        try {
            return shared.channels().withRoomForSessions(() -> executor.execute(command, extraSessions));
        } finally {
            shared.nv().mayHaveChanged(command);
        }
    }

    /**
     * The Name of the entity behind {@code handle}, as cpHash needs it: the handle itself for PCRs, sessions
     * and permanent handles; the TPM's Name, read now, for objects and NV indices.
     */
    public byte[] nameOf(int handle) {
        return executor.nameOf(handle);
    }

    /** Starts {@code options} on the TPM (see {@link #execute} on room for it); close the session to flush it. */
    public AuthSession startSession(Session options) {
        return shared.channels().withRoomForSessions(() -> AuthSession.start(executor, options));
    }


    /**
     * The handles of the sessions the facade keeps for its secret channels (flushed by {@link #close()}): what a
     * check for handles left loaded should not count against the caller.
     */
    public List<Integer> secretChannelSessions() {
        return shared.channels().handles();
    }

    /** TPM2_Startup. */
    public void startup(TpmSu type) {
        execute(new Startup(type));
    }

    /**
     * Starts the TPM with Startup(CLEAR) unless it is already started (TPM_RC_INITIALIZE). The platform hierarchy
     * is left enabled with an empty password: {@link PlatformHierarchy#startupIfNeeded} also does firmware's duty.
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
        return capabilities.getCapability(capability, property, count);
    }

    /** All TPM properties from {@code first} up to the end of its group (fixed or variable), in order. */
    public List<TaggedProperty> properties(int first) {
        return capabilities.properties(first);
    }

    /** The fixed (PT_FIXED) and variable (PT_VAR) TPM properties, keyed by TPM_PT. */
    public Map<Integer, Integer> allProperties() {
        return capabilities.allProperties();
    }

    /** The algorithms the TPM implements. */
    public List<AlgorithmProperty> algorithms() {
        return capabilities.algorithms();
    }

    /** The commands the TPM implements, with their attributes. */
    public List<CommandAttributes> commands() {
        return capabilities.commands();
    }

    /**
     * The handles of one type the TPM has: loaded transient objects, persistent objects, NV indices, PCRs,
     * permanent handles. Sessions are listed by {@link #loadedSessions()} and {@link #savedSessions()}.
     *
     * @throws IllegalArgumentException for a session type, whose capability range means something else
     */
    public List<Integer> handles(TpmHt type) {
        return capabilities.handles(type);
    }

    /** The sessions loaded in the TPM, HMAC and policy (TPM_HT_LOADED_SESSION). */
    public List<Integer> loadedSessions() {
        return capabilities.loadedSessions();
    }

    /** The sessions saved with TPM2_ContextSave and not loaded, still counted by the TPM (TPM_HT_SAVED_SESSION). */
    public List<Integer> savedSessions() {
        return capabilities.savedSessions();
    }

    /** The PCR banks and which PCRs each has allocated. */
    public List<PcrSelection> pcrBanks() {
        return capabilities.pcrBanks();
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
        return capabilities.pcrValues(bank, pcrs);
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
        return new TpmObject(executor, r.objectHandle(), r.outPublic(), r.name());
    }

    /**
     * TPM2_Create under a loaded storage parent with sensitive data: the object's authValue, and the data
     * of a sealed object or a key's bits. They travel encrypted (see {@link #encryptingTo}).
     */
    public Create.Response create(TpmObject parent, PublicArea template, SensitiveCreate sensitive) {
        Authorization parentAuth = Authorization.emptyPassword();
        return secret.authorized(parentAuth, a -> new Create(parent.handle(), a, sensitive, template, new byte[0],
                List.of()), SecretCalls.names(parent));
    }

    /**
     * TPM2_ObjectChangeAuth: the object's private area re-made with {@code newAuth} (load it under the same
     * parent to use it). The old authValue is proven by HMAC and the new one travels encrypted.
     */
    public byte[] changeAuth(TpmObject object, TpmObject parent, byte[] oldAuth, byte[] newAuth) {
        Authorization auth = Authorization.password(oldAuth);
        return secret.authorized(auth, a -> new ObjectChangeAuth(object.handle(), a, parent.handle(), newAuth),
                SecretCalls.names(object, parent)).outPrivate();
    }

    /**
     * TPM2_Duplicate of {@code object} (its DUP role: usually a policy session) for {@code newParent}, with
     * an AES-128-CFB inner wrapper whose key the TPM picks; that key comes back encrypted.
     */
    public Duplicate.Response duplicate(TpmObject object, Authorization objectAuth, TpmObject newParent) {
        return secret.authorized(objectAuth, a -> new Duplicate(object.handle(), a, newParent.handle(), new byte[0],
                SymmetricDefinition.AES_128_CFB), SecretCalls.names(object, newParent));
    }

    /** TPM2_Import of a {@link #duplicate} made for {@code parent}; the inner wrapper key travels encrypted. */
    public Create.Response importDuplicate(TpmObject parent, PublicArea objectPublic, Duplicate.Response duplicate) {
        Authorization parentAuth = Authorization.emptyPassword();
        byte[] imported = secret.authorized(parentAuth, a -> new Import(parent.handle(), a, duplicate.encryptionKeyOut(),
                objectPublic, duplicate.duplicate(), duplicate.outSymSeed(), SymmetricDefinition.AES_128_CFB),
                SecretCalls.names(parent)).outPrivate();
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
        return new TpmObject(executor, r.objectHandle(), created.outPublic(), r.name());
    }

    /**
     * TPM2_Load under a parent known only by its handle (a persistent key, say, as key files name their parents),
     * authorised by {@code parentAuth}; close the result to flush it.
     */
    public TpmObject load(int parentHandle, Authorization parentAuth, byte[] inPrivate, PublicArea inPublic) {
        Load.Response r = execute(new Load(parentHandle, parentAuth, inPrivate, inPublic));
        return new TpmObject(executor, r.objectHandle(), inPublic, r.name());
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

    /** TPM2_NV_DefineSpace under the owner hierarchy (empty owner password); the index's auth travels encrypted. */
    public void nvDefine(NvPublic publicInfo, byte[] indexAuth) {
        Authorization owner = Authorization.emptyPassword();
        secret.authorized(owner, a -> new NvDefineSpace(TpmRh.OWNER, a, indexAuth, publicInfo), Map.of());
        shared.nv().seen(publicInfo);
    }

    /** TPM2_NV_UndefineSpace under the owner hierarchy (empty owner password). */
    public void nvUndefine(int nvIndex) {
        shared.nv().forget(nvIndex);
        execute(new NvUndefineSpace(TpmRh.OWNER, Authorization.emptyPassword(), nvIndex));
    }

    /** TPM2_NV_ReadPublic; the facade's NV calls go on from what it returns. */
    public NvReadPublic.Response nvReadPublic(int nvIndex) {
        NvReadPublic.Response r = execute(new NvReadPublic(nvIndex));
        shared.nv().seen(r.nvPublic());
        return r;
    }

    /**
     * Writes {@code data} from offset 0, authorised by the index itself, in chunks every TPM accepts. The index's
     * Name is the one the facade last saw (read with TPM2_NV_ReadPublic the first time).
     */
    public void nvWrite(int nvIndex, Authorization indexAuth, byte[] data) {
        shared.nv().write(secret, nvIndex, indexAuth, data);
    }

    /** Reads the whole index, authorised by the index itself, in chunks every TPM accepts. */
    public byte[] nvRead(int nvIndex, Authorization indexAuth) {
        return shared.nv().read(secret, nvIndex, indexAuth);
    }

    /** TPM2_NV_Increment of a counter index, authorised by the index itself. */
    public void nvIncrement(int nvIndex, Authorization indexAuth) {
        execute(new NvIncrement(nvIndex, indexAuth, nvIndex));
        shared.nv().written(nvIndex);
    }

    /** TPM2_NV_Extend of an extend index, authorised by the index itself. */
    public void nvExtend(int nvIndex, Authorization indexAuth, byte[] data) {
        execute(new NvExtend(nvIndex, indexAuth, nvIndex, data));
        shared.nv().written(nvIndex);
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
        return BulkCalls.completeSequence(secret, execute(new HashSequenceStart(new byte[0], hashAlg)).sequenceHandle(),
                data, null);
    }

    /**
     * The HMAC of {@code data} with a loaded keyed-hash key (its own hash algorithm; an empty authValue
     * authorises it): one TPM2_HMAC when the data fits a TPM buffer, else an HMAC sequence. Data and result
     * travel encrypted.
     */
    public byte[] hmac(TpmObject key, byte[] data) {
        return BulkCalls.hmac(secret, key, data);
    }

    /**
     * Encrypts with a loaded symmetric key in its own mode, starting from {@code iv}; data of any length is
     * sent in TPM-buffer chunks, each continuing from the previous chunk's IV.
     */
    public byte[] encrypt(TpmObject key, byte[] iv, byte[] data) {
        return BulkCalls.symmetric(secret, key, iv, data, false);
    }

    /** The inverse of {@link #encrypt}. */
    public byte[] decrypt(TpmObject key, byte[] iv, byte[] data) {
        return BulkCalls.symmetric(secret, key, iv, data, true);
    }

    /** TPM2_Certify: {@code signer} attests that {@code object} is loaded in this TPM (empty passwords for both). */
    public SignedAttest certify(TpmObject object, TpmObject signer, byte[] qualifyingData) {
        return execute(new Certify(object.handle(), Authorization.emptyPassword(), signer.handle(),
                Authorization.emptyPassword(), qualifyingData, Scheme.NULL));
    }

    /**
     * Seals {@code data} under {@code parent}: a sealed data object usable only through {@code policy} (no
     * userWithAuth), with {@code authValue} for a policy that asks for it (PolicyAuthValue or PolicyPassword).
     * The data and authValue reach the TPM encrypted, in the secret channel: one TPM command.
     */
    public Create.Response seal(TpmObject parent, byte[] data, PolicyDigest policy, byte[] authValue) {
        PublicArea template = new PublicArea(policy.hash(), ObjectAttributes.of(ObjectAttributes.FIXED_TPM,
                ObjectAttributes.FIXED_PARENT, ObjectAttributes.NO_DA), policy.digest(),
                new PublicParameters.KeyedHash(Scheme.NULL), new PublicId.Digest(new byte[0]));
        return create(parent, template, new SensitiveCreate(authValue, data));
    }

    /** {@link #seal(TpmObject, byte[], PolicyDigest, byte[])} for a policy that needs no authValue. */
    public Create.Response seal(TpmObject parent, byte[] data, PolicyDigest policy) {
        return seal(parent, data, policy, new byte[0]);
    }

    /**
     * Loads a sealed object under {@code parent}, runs {@code policy} on a fresh policy session (e.g.
     * TPM2_PolicyPCR), and unseals; the data comes back encrypted in the secret channel. TPM2_Load,
     * TPM2_StartAuthSession (unsalted: no asymmetric work), the policy's own commands, TPM2_Unseal (which ends the
     * policy session) and one TPM2_FlushContext. Everything it loads or starts is flushed again.
     *
     * @param proof what the policy asks for besides its digest, with {@code authValue}
     */
    public byte[] unseal(TpmObject parent, Create.Response sealed, Consumer<AuthSession> policy,
                         Authorization.PolicyProof proof, byte[] authValue) {
        // Not the policy session itself for the encryption: the TPM keys it with the object's authValue even where
        // the policy did not ask for it, which the caller of a PCR-only policy need not know.
        try (TpmObject object = load(parent, sealed);
             AuthSession session = startSession(Session.policy(sealed.outPublic().nameAlg()))) {
            policy.accept(session);
            Authorization auth = ((Authorization.Policy) Authorization.policy(session, proof, authValue)).lastUse();
            // A policy authorisation is not the channel's to protect: the channel goes alongside and encrypts.
            return secret.authorized(auth, a -> new Unseal(object.handle(), a), SecretCalls.names(object)).outData();
        }
    }

    /** {@link #unseal(TpmObject, Create.Response, Consumer, Authorization.PolicyProof, byte[])} for a policy without authValue. */
    public byte[] unseal(TpmObject parent, Create.Response sealed, Consumer<AuthSession> policy) {
        return unseal(parent, sealed, policy, Authorization.PolicyProof.NONE, new byte[0]);
    }

    /** TPM2_RSA_Decrypt with the key's own scheme and an empty label (empty password authorises the key). */
    public byte[] rsaDecrypt(TpmObject key, byte[] cipherText) {
        return secret.authorized(Authorization.emptyPassword(), a -> new RsaDecrypt(key.handle(), a, cipherText,
                Scheme.NULL, new byte[0]), SecretCalls.names(key)).message();
    }

    /** TPM2_RSA_Encrypt with the key's own scheme and an empty label. */
    public byte[] rsaEncrypt(TpmObject key, byte[] message) {
        return execute(new RsaEncrypt(key.handle(), message, Scheme.NULL, new byte[0])).outData();
    }

    /** TPM2_ReadPublic. */
    public ReadPublic.Response readPublic(int handle) {
        return execute(new ReadPublic(handle));
    }

    /** Flushes the secret channels' sessions, then closes the transport. */
    @Override
    public void close() {
        try {
            shared.channels().close();
        } finally {
            executor.transport().close();
        }
    }
}
