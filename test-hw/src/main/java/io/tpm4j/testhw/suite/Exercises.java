package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.ActivateCredential;
import io.tpm4j.api.commands.Certify;
import io.tpm4j.api.commands.CertifyCreation;
import io.tpm4j.api.commands.CertifyX509;
import io.tpm4j.api.commands.ChangeEps;
import io.tpm4j.api.commands.ChangePps;
import io.tpm4j.api.commands.Clear;
import io.tpm4j.api.commands.ClearControl;
import io.tpm4j.api.commands.ClockRateAdjust;
import io.tpm4j.api.commands.ClockSet;
import io.tpm4j.api.commands.Commit;
import io.tpm4j.api.commands.ContextLoad;
import io.tpm4j.api.commands.ContextSave;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.CreateLoaded;
import io.tpm4j.api.commands.DictionaryAttackLockReset;
import io.tpm4j.api.commands.DictionaryAttackParameters;
import io.tpm4j.api.commands.Duplicate;
import io.tpm4j.api.commands.EcEphemeral;
import io.tpm4j.api.commands.EccParameters;
import io.tpm4j.api.commands.EcdhKeyGen;
import io.tpm4j.api.commands.EcdhZGen;
import io.tpm4j.api.commands.EncryptDecrypt;
import io.tpm4j.api.commands.EncryptDecrypt2;
import io.tpm4j.api.commands.EventSequenceComplete;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.GetCommandAuditDigest;
import io.tpm4j.api.commands.GetSessionAuditDigest;
import io.tpm4j.api.commands.GetRandom;
import io.tpm4j.api.commands.GetTestResult;
import io.tpm4j.api.commands.GetTime;
import io.tpm4j.api.commands.Hash;
import io.tpm4j.api.commands.HashSequenceStart;
import io.tpm4j.api.commands.HierarchyChangeAuth;
import io.tpm4j.api.commands.HierarchyControl;
import io.tpm4j.api.commands.Hmac;
import io.tpm4j.api.commands.HmacStart;
import io.tpm4j.api.commands.Import;
import io.tpm4j.api.commands.IncrementalSelfTest;
import io.tpm4j.api.commands.Load;
import io.tpm4j.api.commands.LoadExternal;
import io.tpm4j.api.commands.MakeCredential;
import io.tpm4j.api.commands.NvCertify;
import io.tpm4j.api.commands.NvChangeAuth;
import io.tpm4j.api.commands.NvDefineSpace;
import io.tpm4j.api.commands.NvGlobalWriteLock;
import io.tpm4j.api.commands.NvReadLock;
import io.tpm4j.api.commands.NvSetBits;
import io.tpm4j.api.commands.NvUndefineSpaceSpecial;
import io.tpm4j.api.commands.NvWriteLock;
import io.tpm4j.api.commands.ObjectChangeAuth;
import io.tpm4j.api.commands.PcrAllocate;
import io.tpm4j.api.commands.PcrExtend;
import io.tpm4j.api.commands.PcrReset;
import io.tpm4j.api.commands.PcrSetAuthPolicy;
import io.tpm4j.api.commands.PcrSetAuthValue;
import io.tpm4j.api.commands.PolicyAuthValue;
import io.tpm4j.api.commands.PolicyAuthorize;
import io.tpm4j.api.commands.PolicyAuthorizeNv;
import io.tpm4j.api.commands.PolicyCommandCode;
import io.tpm4j.api.commands.PolicyCounterTimer;
import io.tpm4j.api.commands.PolicyCpHash;
import io.tpm4j.api.commands.PolicyDuplicationSelect;
import io.tpm4j.api.commands.PolicyGetDigest;
import io.tpm4j.api.commands.PolicyLocality;
import io.tpm4j.api.commands.PolicyNameHash;
import io.tpm4j.api.commands.PolicyNv;
import io.tpm4j.api.commands.PolicyNvWritten;
import io.tpm4j.api.commands.PolicyOr;
import io.tpm4j.api.commands.PolicyPassword;
import io.tpm4j.api.commands.PolicyPcr;
import io.tpm4j.api.commands.PolicyPhysicalPresence;
import io.tpm4j.api.commands.PolicyRestart;
import io.tpm4j.api.commands.PolicySecret;
import io.tpm4j.api.commands.PolicySigned;
import io.tpm4j.api.commands.PolicyTemplate;
import io.tpm4j.api.commands.PolicyTicket;
import io.tpm4j.api.commands.PpCommands;
import io.tpm4j.api.commands.Quote;
import io.tpm4j.api.commands.Rewrap;
import io.tpm4j.api.commands.RsaDecrypt;
import io.tpm4j.api.commands.RsaEncrypt;
import io.tpm4j.api.commands.SelfTest;
import io.tpm4j.api.commands.SequenceComplete;
import io.tpm4j.api.commands.SequenceUpdate;
import io.tpm4j.api.commands.SetAlgorithmSet;
import io.tpm4j.api.commands.SetCommandCodeAuditStatus;
import io.tpm4j.api.commands.SetPrimaryPolicy;
import io.tpm4j.api.commands.Shutdown;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.commands.StirRandom;
import io.tpm4j.api.commands.TestParms;
import io.tpm4j.api.commands.Unseal;
import io.tpm4j.api.commands.VerifySignature;
import io.tpm4j.api.commands.ZGen2Phase;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.Attest;
import io.tpm4j.api.types.CapabilityData;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.PermanentAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.types.StartupClearAttributes;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TaggedPolicy;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCap;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmEo;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmPt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.types.TpmSu;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.testhw.Permission;
import io.tpm4j.testhw.Target;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import static io.tpm4j.api.types.TpmCc.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exercises of {@link EveryCommandTest}: short real scenarios that make the TPM do each command's work.
 * Keys live in the NULL hierarchy wherever they can (it needs no authorisation and keeps nothing), so most
 * exercises only read; those that change lasting state declare it and put the state back. Never more than
 * three objects are loaded at once (swtpm's and many TPMs' limit), and everything is flushed in finally blocks.
 */
final class Exercises {

    /** One scenario: what it needs permitted, the commands it proves, and the work. */
    record Exercise(String name, Set<Permission> needs, List<TpmCc> commands, Work work) {
    }

    @FunctionalInterface
    interface Work {
        void run(Tpm tpm) throws Exception;
    }

    private static final Authorization EMPTY = Authorization.emptyPassword();
    /** TPM_PT_PCR_POLICY and TPM_PT_PCR_AUTH: the PCRs that can have an authPolicy or an authValue. */
    private static final int PT_PCR_POLICY = 0x13;
    private static final int PT_PCR_AUTH = 0x14;
    /** TPM_ECC_BN_P256, ECDAA's curve. */
    private static final int ECC_BN_P256 = 0x0010;

    private final Predicate<TpmCc> advertised;

    private Exercises(Predicate<TpmCc> advertised) {
        this.advertised = advertised;
    }

    /**
     * Every exercise, for {@code target}; {@code advertised} says which commands the TPM has, so that an
     * exercise skips the optional steps whose commands it lacks.
     */
    static List<Exercise> all(Target target, Predicate<TpmCc> advertised) {
        Exercises exercises = new Exercises(advertised);
        // tpm4j's resource manager answers Shutdown itself; anywhere else it reaches the TPM.
        boolean shutdownVirtualised = target instanceof Target.ResourceManagerOver || target instanceof Target.Server;
        return List.of(
                new Exercise("Startup on a running TPM", Set.of(), List.of(STARTUP), Exercises::startup),
                new Exercise("self tests", Set.of(), List.of(SELF_TEST, INCREMENTAL_SELF_TEST, GET_TEST_RESULT),
                        Exercises::selfTests),
                new Exercise("random numbers", Set.of(), List.of(GET_RANDOM, STIR_RANDOM), Exercises::random),
                new Exercise("reading the TPM", Set.of(), List.of(GET_CAPABILITY, PCR_READ, READ_CLOCK, TEST_PARMS,
                        ECC_PARAMETERS), Exercises::reading),
                new Exercise("hashing", Set.of(), List.of(HASH, HASH_SEQUENCE_START, SEQUENCE_UPDATE, SEQUENCE_COMPLETE),
                        Exercises::hashing),
                new Exercise("keys in the NULL hierarchy", Set.of(), List.of(CREATE_PRIMARY, CREATE, LOAD, READ_PUBLIC,
                        SIGN, VERIFY_SIGNATURE, CONTEXT_SAVE, CONTEXT_LOAD, FLUSH_CONTEXT, CREATE_LOADED), exercises::keys),
                new Exercise("sealed data and a new object password", Set.of(), List.of(OBJECT_CHANGE_AUTH, UNSEAL),
                        Exercises::sealing),
                new Exercise("encryption and HMAC", Set.of(), List.of(RSA_ENCRYPT, RSA_DECRYPT, ENCRYPT_DECRYPT,
                        ENCRYPT_DECRYPT_2, HMAC, HMAC_START), exercises::ciphers),
                new Exercise("ECDH and two-phase key exchange", Set.of(), List.of(ECDH_KEY_GEN, ECDH_ZGEN, EC_EPHEMERAL,
                        ZGEN_2PHASE), exercises::keyExchange),
                new Exercise("ECDAA commitment", Set.of(), List.of(COMMIT), Exercises::commit),
                new Exercise("attestation", Set.of(), List.of(QUOTE, CERTIFY, CERTIFY_CREATION, CERTIFY_X509),
                        exercises::attestation),
                new Exercise("credential activation", Set.of(), List.of(MAKE_CREDENTIAL, ACTIVATE_CREDENTIAL),
                        Exercises::credential),
                new Exercise("duplication", Set.of(), List.of(DUPLICATE, REWRAP, IMPORT), Exercises::duplication),
                new Exercise("policy sessions", Set.of(), List.of(START_AUTH_SESSION, POLICY_RESTART, POLICY_GET_DIGEST,
                        POLICY_AUTH_VALUE, POLICY_PASSWORD, POLICY_PHYSICAL_PRESENCE, POLICY_COMMAND_CODE,
                        POLICY_LOCALITY, POLICY_NV_WRITTEN, POLICY_CP_HASH, POLICY_NAME_HASH, POLICY_TEMPLATE,
                        POLICY_COUNTER_TIMER, POLICY_DUPLICATION_SELECT, POLICY_PCR, POLICY_OR, POLICY_SIGNED,
                        POLICY_SECRET, POLICY_TICKET, POLICY_AUTHORIZE, LOAD_EXTERNAL), exercises::policies),
                new Exercise("signed time and session audit", Set.of(Permission.ENDORSEMENT),
                        List.of(GET_TIME, GET_SESSION_AUDIT_DIGEST), Exercises::timeAndSessionAudit),
                new Exercise("command audit", Set.of(Permission.OWNER, Permission.ENDORSEMENT),
                        List.of(SET_COMMAND_CODE_AUDIT_STATUS, GET_COMMAND_AUDIT_DIGEST), Exercises::commandAudit),
                new Exercise("PCR 16", Set.of(Permission.PCR), List.of(PCR_EXTEND, PCR_EVENT, EVENT_SEQUENCE_COMPLETE,
                        PCR_RESET), Exercises::debugPcr),
                new Exercise("PCR authValue and authPolicy", Set.of(Permission.PLATFORM, Permission.PCR),
                        List.of(PCR_SET_AUTH_VALUE, PCR_SET_AUTH_POLICY), exercises::pcrAuthorisation),
                new Exercise("PCR allocation", Set.of(Permission.PLATFORM), List.of(PCR_ALLOCATE), Exercises::pcrAllocate),
                new Exercise("an NV index", Set.of(Permission.OWNER, Permission.NV), List.of(NV_DEFINE_SPACE,
                        NV_UNDEFINE_SPACE, NV_READ_PUBLIC, NV_WRITE, NV_READ, NV_INCREMENT, NV_EXTEND, NV_SET_BITS,
                        NV_WRITE_LOCK, NV_READ_LOCK, NV_CHANGE_AUTH, NV_CERTIFY, POLICY_NV, POLICY_AUTHORIZE_NV),
                        exercises::nvIndices),
                // NV_GlobalWriteLock write-locks every index with TPMA_NV_GLOBALLOCK until the next TPM reset.
                new Exercise("NV global write lock", Set.of(Permission.OWNER, Permission.NV), List.of(NV_GLOBAL_WRITE_LOCK),
                        Exercises::globalWriteLock),
                new Exercise("a platform NV index deleted by policy", Set.of(Permission.PLATFORM, Permission.NV),
                        List.of(NV_UNDEFINE_SPACE_SPECIAL), Exercises::undefineSpaceSpecial),
                new Exercise("a persistent key", Set.of(Permission.OWNER, Permission.PERSISTENT), List.of(EVICT_CONTROL),
                        Exercises::persistent),
                new Exercise("owner password", Set.of(Permission.OWNER), List.of(HIERARCHY_CHANGE_AUTH),
                        Exercises::ownerPassword),
                new Exercise("owner primary policy", Set.of(Permission.OWNER), List.of(SET_PRIMARY_POLICY),
                        Exercises::primaryPolicy),
                new Exercise("clock", Set.of(Permission.OWNER), List.of(CLOCK_SET, CLOCK_RATE_ADJUST), Exercises::clock),
                new Exercise("dictionary-attack settings", Set.of(Permission.DA), List.of(DICTIONARY_ATTACK_PARAMETERS,
                        DICTIONARY_ATTACK_LOCK_RESET), Exercises::dictionaryAttack),
                new Exercise("endorsement hierarchy off and on", Set.of(Permission.PLATFORM, Permission.ENDORSEMENT),
                        List.of(HIERARCHY_CONTROL), Exercises::hierarchyControl),
                new Exercise("TPM2_Clear off and on", Set.of(Permission.PLATFORM), List.of(CLEAR_CONTROL),
                        Exercises::clearControl),
                new Exercise("algorithm set", Set.of(Permission.PLATFORM), List.of(SET_ALGORITHM_SET),
                        Exercises::algorithmSet),
                new Exercise("physical-presence command list", Set.of(Permission.PLATFORM), List.of(PP_COMMANDS),
                        Exercises::ppCommands),
                new Exercise("Shutdown(STATE), then more commands", shutdownVirtualised ? Set.of()
                        : Set.of(Permission.PLATFORM), List.of(SHUTDOWN), Exercises::shutdown),
                // Destructive: a new endorsement seed changes every endorsement key (the EK no longer matches its
                // certificate); a new platform seed changes every platform key; Clear gives the owner a new seed,
                // removing every owner key, persistent object and owner NV index, and resets the owner's,
                // endorsement and lockout authorisations.
                new Exercise("new endorsement seed", Set.of(Permission.CLEAR, Permission.PLATFORM, Permission.ENDORSEMENT),
                        List.of(CHANGE_EPS), tpm -> tpm.execute(new ChangeEps(TpmRh.PLATFORM, EMPTY))),
                new Exercise("new platform seed", Set.of(Permission.CLEAR, Permission.PLATFORM), List.of(CHANGE_PPS),
                        tpm -> tpm.execute(new ChangePps(TpmRh.PLATFORM, EMPTY))),
                new Exercise("TPM2_Clear", Set.of(Permission.CLEAR), List.of(CLEAR),
                        tpm -> tpm.execute(new Clear(TpmRh.LOCKOUT, EMPTY))));
    }

    private boolean has(TpmCc command) {
        return advertised.test(command);
    }

    // --- Read-only exercises -------------------------------------------------------------------------------

    private static void startup(Tpm tpm) {
        TpmResponseException refused = assertThrows(TpmResponseException.class, () -> tpm.startup(TpmSu.CLEAR));
        assertTrue(refused.is(TpmRc.INITIALIZE), refused.getMessage());
    }

    private static void selfTests(Tpm tpm) {
        tpm.execute(new SelfTest(false));
        List<Integer> toDo = tpm.execute(new IncrementalSelfTest(List.of(TpmAlg.SHA256.value()))).toDoList();
        assertTrue(!toDo.contains(TpmAlg.SHA256.value()), "SHA-256 still untested: " + toDo);
        assertEquals(0, tpm.execute(new GetTestResult()).testResult(), "TPM2_GetTestResult");
    }

    private static void random(Tpm tpm) {
        tpm.execute(new StirRandom("entropy from the caller".getBytes(StandardCharsets.UTF_8)));
        assertEquals(32, tpm.execute(new GetRandom(32)).randomBytes().length);
    }

    private static void reading(Tpm tpm) {
        assertTrue(!tpm.commands().isEmpty(), "TPM_CAP_COMMANDS");
        assertTrue(!tpm.pcrRead(tpm.pcrBanks()).pcrValues().isEmpty(), "PCR values");
        assertTrue(tpm.readClock().clock() > 0, "the clock runs");
        tpm.execute(new TestParms(eccParameters(Scheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), Templates.ECC_NIST_P256)));
        assertEquals(32, tpm.execute(new EccParameters(Templates.ECC_NIST_P256)).p().length);
    }

    private static void hashing(Tpm tpm) {
        byte[] data = new byte[2500];
        Arrays.fill(data, (byte) 'h');
        byte[] expected = sha256(data);
        assertArrayEquals(sha256(Arrays.copyOf(data, 1000)), tpm.execute(new Hash(Arrays.copyOf(data, 1000),
                TpmAlg.SHA256, TpmRh.NULL)).outHash());
        int sequence = tpm.execute(new HashSequenceStart(new byte[0], TpmAlg.SHA256)).sequenceHandle();
        try {
            tpm.execute(new SequenceUpdate(sequence, EMPTY, Arrays.copyOf(data, 1000)));
            tpm.execute(new SequenceUpdate(sequence, EMPTY, Arrays.copyOfRange(data, 1000, 2000)));
            assertArrayEquals(expected, tpm.execute(new SequenceComplete(sequence, EMPTY,
                    Arrays.copyOfRange(data, 2000, data.length), TpmRh.NULL)).result());
        } finally {
            flushIfLoaded(tpm, sequence);
        }
    }

    private void keys(Tpm tpm) {
        byte[] digest = sha256("signed in the NULL hierarchy".getBytes(StandardCharsets.UTF_8));
        try (TpmObject primary = nullPrimary(tpm)) {
            try (TpmObject key = tpm.load(primary, tpm.create(primary, Templates.eccSigningKey()))) {
                assertArrayEquals(key.name(), tpm.readPublic(key.handle()).name());
                Signature signature = tpm.sign(key, digest);
                int reloaded = tpm.execute(new ContextLoad(tpm.execute(new ContextSave(key.handle())).context()))
                        .loadedHandle();
                try {
                    tpm.execute(new VerifySignature(reloaded, digest, signature));
                } finally {
                    tpm.execute(new FlushContext(reloaded));
                }
            }
            if (has(CREATE_LOADED)) {
                int created = tpm.execute(new CreateLoaded(primary.handle(), EMPTY, SensitiveCreate.EMPTY,
                        Templates.eccSigningKey())).objectHandle();
                tpm.execute(new FlushContext(created));
            }
        }
    }

    private static void sealing(Tpm tpm) {
        byte[] secret = "sealed in the NULL hierarchy".getBytes(StandardCharsets.UTF_8);
        byte[] newAuth = "new".getBytes(StandardCharsets.UTF_8);
        try (TpmObject primary = nullPrimary(tpm)) {
            Create.Response created = tpm.execute(new Create(primary.handle(), EMPTY,
                    new SensitiveCreate("old".getBytes(StandardCharsets.UTF_8), secret), Templates.sealedData(),
                    new byte[0], List.of()));
            byte[] changed;
            try (TpmObject sealed = tpm.load(primary, created)) {
                changed = tpm.execute(new ObjectChangeAuth(sealed.handle(), Authorization.password(
                        "old".getBytes(StandardCharsets.UTF_8)), primary.handle(), newAuth)).outPrivate();
            }
            int reloaded = tpm.execute(new Load(primary.handle(), EMPTY, changed, created.outPublic())).objectHandle();
            try {
                assertArrayEquals(secret, tpm.execute(new Unseal(reloaded, Authorization.password(newAuth))).outData());
            } finally {
                tpm.execute(new FlushContext(reloaded));
            }
        }
    }

    private void ciphers(Tpm tpm) {
        byte[] message = "a message for the TPM's ciphers".getBytes(StandardCharsets.UTF_8);
        try (TpmObject primary = nullPrimary(tpm)) {
            try (TpmObject rsa = tpm.load(primary, tpm.create(primary, Templates.rsaDecryptionKey()))) {
                byte[] encrypted = tpm.execute(new RsaEncrypt(rsa.handle(), message, Scheme.NULL, new byte[0])).outData();
                assertArrayEquals(message, tpm.execute(new RsaDecrypt(rsa.handle(), EMPTY, encrypted, Scheme.NULL,
                        new byte[0])).message());
            }
            try (TpmObject aes = tpm.load(primary, tpm.create(primary, Templates.aesCfbKey(128)))) {
                byte[] iv = new byte[16];
                // Whichever of the two the TPM has encrypts, and the other (or the same) decrypts.
                int keysMode = TpmAlg.NULL.value();
                byte[] encrypted = has(ENCRYPT_DECRYPT_2)
                        ? tpm.execute(new EncryptDecrypt2(aes.handle(), EMPTY, message, false, keysMode, iv)).outData()
                        : tpm.execute(new EncryptDecrypt(aes.handle(), EMPTY, false, keysMode, iv, message)).outData();
                byte[] decrypted = has(ENCRYPT_DECRYPT)
                        ? tpm.execute(new EncryptDecrypt(aes.handle(), EMPTY, true, keysMode, iv, encrypted)).outData()
                        : tpm.execute(new EncryptDecrypt2(aes.handle(), EMPTY, encrypted, true, keysMode, iv)).outData();
                assertArrayEquals(message, decrypted);
            }
            try (TpmObject hmacKey = tpm.load(primary, tpm.create(primary, Templates.hmacKey()))) {
                byte[] hmac = tpm.execute(new Hmac(hmacKey.handle(), EMPTY, message, TpmAlg.SHA256.value())).outHmac();
                int sequence = tpm.execute(new HmacStart(hmacKey.handle(), EMPTY, new byte[0], TpmAlg.SHA256.value()))
                        .sequenceHandle();
                try {
                    assertArrayEquals(hmac, tpm.execute(new SequenceComplete(sequence, EMPTY, message, TpmRh.NULL))
                            .result(), "TPM2_HMAC and an HMAC sequence agree");
                } finally {
                    flushIfLoaded(tpm, sequence);
                }
            }
        }
    }

    private void keyExchange(Tpm tpm) {
        PublicArea template = new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.FIXED_TPM,
                ObjectAttributes.FIXED_PARENT, ObjectAttributes.SENSITIVE_DATA_ORIGIN, ObjectAttributes.USER_WITH_AUTH,
                ObjectAttributes.DECRYPT), new byte[0], eccParameters(Scheme.of(TpmAlg.ECDH, TpmAlg.SHA256),
                Templates.ECC_NIST_P256), new PublicId.Ecc(new byte[0], new byte[0]));
        try (TpmObject primary = nullPrimary(tpm); TpmObject key = tpm.load(primary, tpm.create(primary, template))) {
            EcdhKeyGen.Response generated = tpm.execute(new EcdhKeyGen(key.handle()));
            assertEquals(generated.zPoint(), tpm.execute(new EcdhZGen(key.handle(), EMPTY, generated.pubPoint())).outPoint());
            if (has(EC_EPHEMERAL) && has(ZGEN_2PHASE)) {
                // The other party's static key is this key itself, its ephemeral one the point ECDH_KeyGen made.
                PublicId.Ecc own = (PublicId.Ecc) key.publicArea().unique();
                EcEphemeral.Response ephemeral = tpm.execute(new EcEphemeral(Templates.ECC_NIST_P256));
                ZGen2Phase.Response z = tpm.execute(new ZGen2Phase(key.handle(), EMPTY, own, generated.pubPoint(),
                        TpmAlg.ECDH.value(), ephemeral.counter()));
                assertEquals(tpm.execute(new EcdhZGen(key.handle(), EMPTY, own)).outPoint(), z.outZ1());
            }
        }
    }

    private static void commit(Tpm tpm) {
        Scheme ecdaa = Scheme.of(TpmAlg.ECDAA, TpmAlg.SHA256);
        PublicArea template = new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.FIXED_TPM,
                ObjectAttributes.FIXED_PARENT, ObjectAttributes.SENSITIVE_DATA_ORIGIN, ObjectAttributes.USER_WITH_AUTH,
                ObjectAttributes.SIGN_ENCRYPT), new byte[0], eccParameters(ecdaa, ECC_BN_P256),
                new PublicId.Ecc(new byte[0], new byte[0]));
        try (TpmObject primary = nullPrimary(tpm); TpmObject key = tpm.load(primary, tpm.create(primary, template))) {
            Commit.Response commit = tpm.execute(new Commit(key.handle(), EMPTY, Optional.empty(), new byte[0], new byte[0]));
            Signature signature = tpm.execute(new Sign(key.handle(), EMPTY, sha256("anonymous".getBytes()),
                    new Scheme(TpmAlg.ECDAA.value(), TpmAlg.SHA256.value(), commit.counter()), Sign.nullTicket())).signature();
            assertEquals(TpmAlg.ECDAA.value(), signature.sigAlg());
        }
    }

    private void attestation(Tpm tpm) {
        byte[] nonce = tpm.getRandom(16);
        try (TpmObject primary = nullPrimary(tpm)) {
            Create.Response created = tpm.create(primary, Templates.eccAttestationKey());
            try (TpmObject ak = tpm.load(primary, created)) {
                verify(ak, tpm.execute(new Quote(ak.handle(), EMPTY, nonce, Scheme.NULL,
                        List.of(PcrSelection.of(TpmAlg.SHA256, 0, 1, 2, 3, 4, 5, 6, 7)))));
                verify(ak, tpm.execute(new Certify(primary.handle(), EMPTY, ak.handle(), EMPTY, nonce, Scheme.NULL)));
                verify(ak, tpm.execute(new CertifyCreation(ak.handle(), EMPTY, ak.handle(), nonce, created.creationHash(),
                        Scheme.NULL, created.creationTicket())));
                if (has(CERTIFY_X509)) {
                    try (TpmObject signer = tpm.load(primary, tpm.create(primary, Templates.eccSigningKey()))) {
                        CertifyX509.Response certificate = tpm.execute(new CertifyX509(ak.handle(), EMPTY,
                                signer.handle(), EMPTY, Scheme.NULL, partialCertificate()));
                        assertEquals(32, certificate.tbsDigest().length, "the digest of the TBSCertificate it signed");
                    }
                }
            }
        }
    }

    /**
     * What the caller gives TPM2_CertifyX509: issuer, validity, subject and a keyUsage extension (digitalSignature,
     * as befits the signing key certified); the TPM adds version, serial number, algorithm and the public key.
     */
    private static byte[] partialCertificate() {
        byte[] commonName = {0x55, 0x04, 0x03};
        byte[] issuer = der(0x30, der(0x31, der(0x30, der(0x06, commonName), der(0x0c, "tpm4j check".getBytes()))));
        byte[] subject = der(0x30, der(0x31, der(0x30, der(0x06, commonName), der(0x0c, "certified key".getBytes()))));
        byte[] validity = der(0x30, der(0x17, "260101000000Z".getBytes()), der(0x17, "360101000000Z".getBytes()));
        byte[] keyUsage = der(0x30, der(0x06, new byte[] {0x55, 0x1d, 0x0f}), der(0x01, new byte[] {(byte) 0xff}),
                der(0x04, der(0x03, new byte[] {0x07, (byte) 0x80})));
        return der(0x30, issuer, validity, subject, der(0xa3, der(0x30, keyUsage)));
    }

    /** One DER element (contents shorter than 256 bytes): tag, length, the contents. */
    private static byte[] der(int tag, byte[]... contents) {
        byte[] body = concat(contents);
        byte[] header = body.length < 0x80 ? new byte[] {(byte) tag, (byte) body.length}
                : new byte[] {(byte) tag, (byte) 0x81, (byte) body.length};
        return concat(header, body);
    }

    private static void credential(Tpm tpm) {
        byte[] credential = "a secret for the attestation key".getBytes(StandardCharsets.UTF_8);
        // The NULL hierarchy's storage key stands in for an EK: it decrypts the credential's seed.
        try (TpmObject ek = nullPrimary(tpm); TpmObject ak = tpm.load(ek, tpm.create(ek, Templates.eccAttestationKey()))) {
            MakeCredential.Response made = tpm.execute(new MakeCredential(ek.handle(), credential, ak.name()));
            assertArrayEquals(credential, tpm.execute(new ActivateCredential(ak.handle(), EMPTY, ek.handle(), EMPTY,
                    made.credentialBlob(), made.secret())).certInfo());
        }
    }

    private static void duplication(Tpm tpm) {
        PublicArea movable = new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.SENSITIVE_DATA_ORIGIN,
                ObjectAttributes.USER_WITH_AUTH, ObjectAttributes.SIGN_ENCRYPT),
                PolicyDigest.start(TpmAlg.SHA256).commandCode(DUPLICATE).digest(),
                eccParameters(Scheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), Templates.ECC_NIST_P256),
                new PublicId.Ecc(new byte[0], new byte[0]));
        try (TpmObject primary = nullPrimary(tpm)) {
            Create.Response created = tpm.create(primary, movable);
            Create.Response parentB = tpm.create(primary, Templates.srkEccP256());
            Create.Response parentC = tpm.create(primary, Templates.srkEccP256());
            Duplicate.Response duplicate;
            Rewrap.Response rewrapped;
            // Three objects at most: each step loads only what it needs.
            try (TpmObject b = tpm.load(primary, parentB)) {
                try (TpmObject key = tpm.load(primary, created);
                     AuthSession session = tpm.startSession(Session.policy(TpmAlg.SHA256))) {
                    tpm.execute(new PolicyCommandCode(session.handle(), DUPLICATE.value()));
                    duplicate = tpm.execute(new Duplicate(key.handle(), Authorization.policy(session), b.handle(),
                            new byte[0], SymmetricDefinition.AES_128_CFB));
                }
                try (TpmObject c = tpm.load(primary, parentC)) {
                    rewrapped = tpm.execute(new Rewrap(b.handle(), EMPTY, c.handle(), duplicate.duplicate(),
                            created.outPublic().name(), duplicate.outSymSeed()));
                }
            }
            try (TpmObject c = tpm.load(primary, parentC)) {
                byte[] imported = tpm.execute(new Import(c.handle(), EMPTY, duplicate.encryptionKeyOut(),
                        created.outPublic(), rewrapped.outDuplicate(), rewrapped.outSymSeed(),
                        SymmetricDefinition.AES_128_CFB)).outPrivate();
                try (TpmObject moved = tpm.load(c, new Create.Response(imported, created.outPublic(), new byte[0],
                        new byte[0], Sign.nullTicket()))) {
                    byte[] message = "moved key".getBytes(StandardCharsets.UTF_8);
                    assertTrue(Signatures.verify(PublicKeys.toPublicKey(created.outPublic()),
                            tpm.sign(moved, sha256(message)), message), "the moved key signs");
                }
            }
        }
    }

    /** One policy assertion: its command, how to run it in a session, and the digest it must give from empty. */
    private record Assertion(TpmCc command, IntConsumer run, UnaryOperator<PolicyDigest> expected) {
    }

    /**
     * Every policy assertion that needs no NV index, each alone in a real policy session (restarted in between),
     * the TPM's digest compared with what tpm4j computes offline.
     */
    private void policies(Tpm tpm) {
        byte[] policyRef = "policy ref".getBytes(StandardCharsets.UTF_8);
        byte[] hash = sha256("a command".getBytes(StandardCharsets.UTF_8));
        byte[] clockAtLeastZero = new TpmWriter().u64(0).toByteArray();
        Map<Integer, byte[]> pcrs = tpm.pcrValues(TpmAlg.SHA256, 0, 1, 2, 3, 4, 5, 6, 7);
        try (TpmObject primary = nullPrimary(tpm);
             TpmObject key = tpm.load(primary, tpm.create(primary, Templates.eccSigningKey()));
             AuthSession session = tpm.startSession(Session.policy(TpmAlg.SHA256))) {
            int s = session.handle();
            // PolicySigned without nonce, cpHash or expiry: the key signs H(expiration = 0 || policyRef).
            Signature signed = tpm.sign(key, sha256(new TpmWriter().u32(0).bytes(policyRef).toByteArray()));
            List<Assertion> assertions = List.of(
                    new Assertion(POLICY_AUTH_VALUE, x -> tpm.execute(new PolicyAuthValue(x)), PolicyDigest::authValue),
                    new Assertion(POLICY_PASSWORD, x -> tpm.execute(new PolicyPassword(x)), PolicyDigest::password),
                    new Assertion(POLICY_PHYSICAL_PRESENCE, x -> tpm.execute(new PolicyPhysicalPresence(x)),
                            PolicyDigest::physicalPresence),
                    new Assertion(POLICY_COMMAND_CODE, x -> tpm.execute(new PolicyCommandCode(x, UNSEAL.value())),
                            p -> p.commandCode(UNSEAL)),
                    new Assertion(POLICY_LOCALITY, x -> tpm.execute(new PolicyLocality(x, 0x01)), p -> p.locality(0x01)),
                    new Assertion(POLICY_NV_WRITTEN, x -> tpm.execute(new PolicyNvWritten(x, true)), p -> p.nvWritten(true)),
                    new Assertion(POLICY_CP_HASH, x -> tpm.execute(new PolicyCpHash(x, hash)), p -> p.cpHash(hash)),
                    new Assertion(POLICY_NAME_HASH, x -> tpm.execute(new PolicyNameHash(x, hash)), p -> p.nameHash(hash)),
                    new Assertion(POLICY_TEMPLATE, x -> tpm.execute(new PolicyTemplate(x, hash)), p -> p.template(hash)),
                    new Assertion(POLICY_COUNTER_TIMER, x -> tpm.execute(new PolicyCounterTimer(x, clockAtLeastZero, 8,
                            TpmEo.UNSIGNED_GE)), p -> p.counterTimer(clockAtLeastZero, 8, TpmEo.UNSIGNED_GE)),
                    new Assertion(POLICY_DUPLICATION_SELECT, x -> tpm.execute(new PolicyDuplicationSelect(x, key.name(),
                            primary.name(), true)), p -> p.duplicationSelect(key.name(), primary.name(), true)),
                    new Assertion(POLICY_PCR, x -> tpm.execute(new PolicyPcr(x, new byte[0],
                            List.of(PcrSelection.of(TpmAlg.SHA256, 0, 1, 2, 3, 4, 5, 6, 7)))), p -> p.pcr(TpmAlg.SHA256, pcrs)),
                    new Assertion(POLICY_OR, x -> {
                        tpm.execute(new PolicyAuthValue(x));
                        tpm.execute(new PolicyOr(x, List.of(PolicyDigest.start(TpmAlg.SHA256).authValue().digest(),
                                PolicyDigest.start(TpmAlg.SHA256).physicalPresence().digest())));
                    }, p -> p.authValue().or(List.of(p.authValue(), p.physicalPresence()))),
                    new Assertion(POLICY_SIGNED, x -> tpm.execute(new PolicySigned(key.handle(), x, new byte[0],
                            new byte[0], policyRef, 0, signed)), p -> p.signed(key.name(), policyRef)),
                    new Assertion(POLICY_SECRET, x -> tpm.execute(new PolicySecret(key.handle(), EMPTY, x, new byte[0],
                            new byte[0], policyRef, 0)), p -> p.secret(key.name(), policyRef)),
                    new Assertion(POLICY_TICKET, x -> {
                        // A negative expiry with the session's nonce asks PolicySecret for a ticket to replay.
                        PolicySecret.Response secret = tpm.execute(new PolicySecret(key.handle(), EMPTY, x,
                                session.nonceTpm(), new byte[0], policyRef, -60));
                        tpm.execute(new PolicyRestart(x));
                        tpm.execute(new PolicyTicket(x, secret.timeout(), new byte[0], policyRef, key.name(),
                                secret.policyTicket()));
                    }, p -> p.secret(key.name(), policyRef)),
                    new Assertion(POLICY_AUTHORIZE, x -> authorize(tpm, key, x, policyRef), p -> p.authorize(
                            externalName(tpm, key), policyRef)));
            for (Assertion assertion : assertions) {
                if (has(assertion.command())) {
                    tpm.execute(new PolicyRestart(s));
                    assertion.run().accept(s);
                    assertArrayEquals(assertion.expected().apply(PolicyDigest.start(TpmAlg.SHA256)).digest(),
                            tpm.execute(new PolicyGetDigest(s)).policyDigest(), assertion.command().specName());
                }
            }
        }
    }

    /**
     * PolicyAuthorize of the session's current policy (PolicyAuthValue), approved by {@code key}: its signature
     * checked by TPM2_VerifySignature against the public key loaded in the owner hierarchy (no authorisation
     * needed), whose ticket the TPM accepts; a NULL-hierarchy key would only get a NULL ticket.
     */
    private static void authorize(Tpm tpm, TpmObject key, int session, byte[] policyRef) {
        tpm.execute(new PolicyAuthValue(session));
        byte[] approved = PolicyDigest.start(TpmAlg.SHA256).authValue().digest();
        byte[] aHash = sha256(concat(approved, policyRef));
        Signature signature = tpm.sign(key, aHash);
        LoadExternal.Response external = tpm.execute(new LoadExternal(publicOnly(key), TpmRh.OWNER));
        try {
            Ticket verified = tpm.execute(new VerifySignature(external.objectHandle(), aHash, signature)).validation();
            tpm.execute(new PolicyAuthorize(session, approved, policyRef, external.name(), verified));
        } finally {
            tpm.execute(new FlushContext(external.objectHandle()));
        }
    }

    /** The key's public part as an outside key: what LoadExternal takes, and the Name it gets. */
    private static PublicArea publicOnly(TpmObject key) {
        return PublicKeys.toPublicArea(PublicKeys.toPublicKey(key.publicArea()), TpmAlg.SHA256);
    }

    private static byte[] externalName(Tpm tpm, TpmObject key) {
        return publicOnly(key).name();
    }

    // --- Exercises that need permissions ---------------------------------------------------------------------

    private static void timeAndSessionAudit(Tpm tpm) {
        try (TpmObject primary = nullPrimary(tpm);
             TpmObject ak = tpm.load(primary, tpm.create(primary, Templates.eccAttestationKey()))) {
            verify(ak, tpm.execute(new GetTime(TpmRh.ENDORSEMENT, EMPTY, ak.handle(), EMPTY, new byte[0], Scheme.NULL)));
            try (AuthSession audit = tpm.startSession(Session.hmac(TpmAlg.SHA256).audited())) {
                tpm.execute(new GetRandom(8), audit);
                SignedAttest digest = tpm.execute(new GetSessionAuditDigest(TpmRh.ENDORSEMENT, EMPTY, ak.handle(), EMPTY,
                        audit.handle(), new byte[0], Scheme.NULL));
                verify(ak, digest);
                assertArrayEquals(audit.auditDigest(), ((Attest.SessionAudit) digest.attest().attested()).sessionDigest(),
                        "the TPM's session audit digest is the one tpm4j computed");
            }
        }
    }

    /**
     * GetRandom audited and the command audit digest signed. GetRandom is taken off the audit list again unless
     * it was on it before; the audit hash algorithm stays as it was. (Changing the list restarts the digest.)
     */
    private static void commandAudit(Tpm tpm) {
        boolean wasAudited = ((CapabilityData.CommandCodes) tpm.getCapability(TpmCap.AUDIT_COMMANDS, 0, 1024).data())
                .commandCodes().contains(GET_RANDOM.value());
        tpm.execute(new SetCommandCodeAuditStatus(TpmRh.OWNER, EMPTY, TpmAlg.NULL, List.of(GET_RANDOM.value()), List.of()));
        try (TpmObject primary = nullPrimary(tpm);
             TpmObject ak = tpm.load(primary, tpm.create(primary, Templates.eccAttestationKey()))) {
            tpm.getRandom(8);
            SignedAttest digest = tpm.execute(new GetCommandAuditDigest(TpmRh.ENDORSEMENT, EMPTY, ak.handle(), EMPTY,
                    new byte[0], Scheme.NULL));
            verify(ak, digest);
            assertTrue(((Attest.CommandAudit) digest.attest().attested()).auditCounter() > 0, "GetRandom was audited");
        } finally {
            if (!wasAudited) {
                tpm.execute(new SetCommandCodeAuditStatus(TpmRh.OWNER, EMPTY, TpmAlg.NULL, List.of(),
                        List.of(GET_RANDOM.value())));
            }
        }
    }

    /** PCR 16 extended three ways, then reset: it ends as all zeros, as it was after the last TPM reset. */
    private static void debugPcr(Tpm tpm) {
        byte[] event = "an event in the debug PCR".getBytes(StandardCharsets.UTF_8);
        try {
            tpm.execute(new PcrExtend(TestHandles.DEBUG_PCR, EMPTY, List.of(new TaggedDigest(TpmAlg.SHA256, sha256(event)))));
            tpm.pcrEvent(TestHandles.DEBUG_PCR, event);
            int sequence = tpm.execute(new HashSequenceStart(new byte[0], TpmAlg.NULL)).sequenceHandle();
            try {
                tpm.execute(new SequenceUpdate(sequence, EMPTY, event));
                List<TaggedDigest> digests = tpm.execute(new EventSequenceComplete(TestHandles.DEBUG_PCR, EMPTY, sequence, EMPTY,
                        event)).results();
                assertTrue(digests.contains(new TaggedDigest(TpmAlg.SHA256, sha256(concat(event, event)))),
                        digests.toString());
            } finally {
                flushIfLoaded(tpm, sequence);
            }
        } finally {
            tpm.execute(new PcrReset(TestHandles.DEBUG_PCR, EMPTY));
        }
        assertArrayEquals(new byte[32], tpm.pcrValues(TpmAlg.SHA256, TestHandles.DEBUG_PCR).get(TestHandles.DEBUG_PCR), "PCR 16 after reset");
    }

    /** The lowest PCR that can have an authValue (or authPolicy) is given one, then the empty one again. */
    private void pcrAuthorisation(Tpm tpm) {
        if (has(PCR_SET_AUTH_VALUE)) {
            int pcr = firstPcrWith(tpm, PT_PCR_AUTH);
            byte[] secret = "pcr secret".getBytes(StandardCharsets.UTF_8);
            tpm.execute(new PcrSetAuthValue(pcr, EMPTY, secret));
            tpm.execute(new PcrSetAuthValue(pcr, Authorization.password(secret), new byte[0]));
        }
        if (has(PCR_SET_AUTH_POLICY)) {
            int pcr = firstPcrWith(tpm, PT_PCR_POLICY);
            tpm.execute(new PcrSetAuthPolicy(EMPTY, PolicyDigest.start(TpmAlg.SHA256).commandCode(PCR_EXTEND).digest(),
                    TpmAlg.SHA256, pcr));
            tpm.execute(new PcrSetAuthPolicy(EMPTY, new byte[0], TpmAlg.NULL, pcr));
        }
    }

    private static int firstPcrWith(Tpm tpm, int tag) {
        CapabilityData.PcrProperties properties = (CapabilityData.PcrProperties) tpm.getCapability(TpmCap.PCR_PROPERTIES,
                tag, 1).data();
        return properties.properties().getFirst().pcrs().nextSetBit(0);
    }

    /** The allocation the TPM has now, allocated again: nothing changes at the next reset. */
    private static void pcrAllocate(Tpm tpm) {
        assertTrue(tpm.execute(new PcrAllocate(TpmRh.PLATFORM, EMPTY, tpm.pcrBanks())).allocationSuccess());
    }

    /**
     * Indices of each type on free owner handles, undefined at the end: an ordinary one holding an approved
     * policy (PolicyNV compares against it, PolicyAuthorizeNV uses it) whose password only a policy can change,
     * then locked; a counter, a bit field and an extend index.
     */
    private void nvIndices(Tpm tpm) {
        int[] free = TestHandles.free(tpm, TpmHt.NV_INDEX, TestHandles.OWNER_NV, 4);
        int ordinary = free[0];
        int counter = free[1];
        int bits = free[2];
        int extend = free[3];
        byte[] unsealPolicy = PolicyDigest.start(TpmAlg.SHA256).commandCode(UNSEAL).digest();
        byte[] approved = new TpmWriter().u16(TpmAlg.SHA256.value()).bytes(unsealPolicy).toByteArray();
        byte[] newAuth = "new".getBytes(StandardCharsets.UTF_8);
        tpm.nvDefine(index(ordinary, NvAttributes.Type.ORDINARY, approved.length, PolicyDigest.start(TpmAlg.SHA256)
                .commandCode(NV_CHANGE_AUTH).digest(), NvAttributes.WRITE_STCLEAR, NvAttributes.READ_STCLEAR), new byte[0]);
        try {
            tpm.nvWrite(ordinary, EMPTY, approved);
            assertArrayEquals(approved, tpm.nvRead(ordinary, EMPTY));
            assertEquals(approved.length, tpm.nvReadPublic(ordinary).nvPublic().dataSize());
            try (TpmObject primary = nullPrimary(tpm);
                 TpmObject signer = tpm.load(primary, tpm.create(primary, Templates.eccSigningKey()))) {
                if (has(NV_CERTIFY)) {
                    verify(signer, tpm.execute(new NvCertify(signer.handle(), EMPTY, ordinary, EMPTY, ordinary,
                            new byte[0], Scheme.NULL, approved.length, 0)));
                }
            }
            try (AuthSession session = tpm.startSession(Session.policy(TpmAlg.SHA256))) {
                tpm.execute(new PolicyNv(ordinary, EMPTY, ordinary, session.handle(), Arrays.copyOf(approved, 2), 0,
                        TpmEo.EQ));
                if (has(POLICY_AUTHORIZE_NV)) {
                    tpm.execute(new PolicyRestart(session.handle()));
                    tpm.execute(new PolicyCommandCode(session.handle(), UNSEAL.value()));
                    tpm.execute(new PolicyAuthorizeNv(ordinary, EMPTY, ordinary, session.handle()));
                }
                tpm.execute(new PolicyRestart(session.handle()));
                tpm.execute(new PolicyCommandCode(session.handle(), NV_CHANGE_AUTH.value()));
                tpm.execute(new NvChangeAuth(ordinary, Authorization.policy(session), newAuth));
            }
            Authorization changed = Authorization.password(newAuth);
            assertArrayEquals(approved, tpm.nvRead(ordinary, changed), "read with the new password");
            tpm.execute(new NvWriteLock(ordinary, changed, ordinary));
            tpm.execute(new NvReadLock(ordinary, changed, ordinary));

            tpm.nvDefine(index(counter, NvAttributes.Type.COUNTER, 8, new byte[0]), new byte[0]);
            tpm.nvIncrement(counter, EMPTY);
            tpm.nvDefine(index(bits, NvAttributes.Type.BITS, 8, new byte[0]), new byte[0]);
            tpm.execute(new NvSetBits(bits, EMPTY, bits, 0b1010));
            assertEquals(0b1010, ByteBuffer.wrap(tpm.nvRead(bits, EMPTY)).getLong());
            tpm.nvDefine(index(extend, NvAttributes.Type.EXTEND, 32, new byte[0]), new byte[0]);
            tpm.nvExtend(extend, EMPTY, "extended".getBytes(StandardCharsets.UTF_8));
        } finally {
            for (int index : List.of(ordinary, counter, bits, extend)) {
                if (tpm.handles(TpmHt.NV_INDEX).contains(index)) {
                    tpm.nvUndefine(index);
                }
            }
        }
    }

    private static NvPublic index(int handle, NvAttributes.Type type, int size, byte[] policy, int... more) {
        int attributes = NvAttributes.AUTHREAD | NvAttributes.AUTHWRITE | NvAttributes.NO_DA;
        for (int attribute : more) {
            attributes |= attribute;
        }
        return new NvPublic(handle, TpmAlg.SHA256, NvAttributes.of(type, attributes), policy, size);
    }

    private static void globalWriteLock(Tpm tpm) {
        int handle = TestHandles.free(tpm, TpmHt.NV_INDEX, TestHandles.OWNER_NV);
        tpm.nvDefine(index(handle, NvAttributes.Type.ORDINARY, 4, new byte[0], NvAttributes.GLOBALLOCK), new byte[0]);
        try {
            tpm.execute(new NvGlobalWriteLock(TpmRh.OWNER, EMPTY));
            TpmResponseException locked = assertThrows(TpmResponseException.class,
                    () -> tpm.nvWrite(handle, EMPTY, new byte[4]));
            assertTrue(locked.is(TpmRc.NV_LOCKED), locked.getMessage());
        } finally {
            tpm.nvUndefine(handle);
        }
    }

    /** A platform index that only TPM2_NV_UndefineSpaceSpecial, with its policy, may delete. */
    private static void undefineSpaceSpecial(Tpm tpm) {
        int handle = TestHandles.free(tpm, TpmHt.NV_INDEX, TestHandles.PLATFORM_NV);
        tpm.execute(new NvDefineSpace(TpmRh.PLATFORM, EMPTY, new byte[0], new NvPublic(handle, TpmAlg.SHA256,
                NvAttributes.of(NvAttributes.Type.ORDINARY, NvAttributes.PPWRITE, NvAttributes.PPREAD, NvAttributes.NO_DA,
                        NvAttributes.PLATFORMCREATE, NvAttributes.POLICY_DELETE),
                PolicyDigest.start(TpmAlg.SHA256).commandCode(NV_UNDEFINE_SPACE_SPECIAL).digest(), 8)));
        try (AuthSession session = tpm.startSession(Session.policy(TpmAlg.SHA256))) {
            tpm.execute(new PolicyCommandCode(session.handle(), NV_UNDEFINE_SPACE_SPECIAL.value()));
            tpm.execute(new NvUndefineSpaceSpecial(handle, Authorization.policy(session), EMPTY));
        }
    }

    private static void persistent(Tpm tpm) {
        int handle = TestHandles.free(tpm, TpmHt.PERSISTENT, TestHandles.OWNER_PERSISTENT);
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
            tpm.persist(srk, handle);
            try {
                assertArrayEquals(srk.name(), tpm.readPublic(handle).name());
            } finally {
                tpm.evict(handle);
            }
        }
    }

    /** The owner's password set, needed, and put back to the empty one. */
    private static void ownerPassword(Tpm tpm) {
        byte[] password = "owner password".getBytes(StandardCharsets.UTF_8);
        tpm.execute(new HierarchyChangeAuth(TpmRh.OWNER, EMPTY, password));
        try {
            assertTrue((permanent(tpm) & PermanentAttributes.OWNER_AUTH_SET) != 0, "ownerAuthSet");
        } finally {
            tpm.execute(new HierarchyChangeAuth(TpmRh.OWNER, Authorization.password(password), new byte[0]));
        }
    }

    /** The owner hierarchy's policy set to another, then back to the one it had (read with TPM_CAP_AUTH_POLICIES). */
    private static void primaryPolicy(Tpm tpm) {
        CapabilityData data = tpm.getCapability(TpmCap.AUTH_POLICIES, TpmRh.OWNER, 1).data();
        TaggedPolicy before = ((CapabilityData.AuthPolicies) data).policies().stream()
                .filter(p -> p.handle() == TpmRh.OWNER).findFirst()
                .orElseThrow(() -> new AssertionError("TPM_CAP_AUTH_POLICIES does not list the owner hierarchy"));
        TpmAlg beforeAlg = TpmAlg.of(before.hashAlg()).orElseThrow();
        try {
            tpm.execute(new SetPrimaryPolicy(TpmRh.OWNER, EMPTY,
                    PolicyDigest.start(TpmAlg.SHA256).authValue().digest(), TpmAlg.SHA256));
        } finally {
            tpm.execute(new SetPrimaryPolicy(TpmRh.OWNER, EMPTY, before.digest(), beforeAlg));
        }
    }

    /** The clock moved a second forward (it may never go back), its rate left as it is. */
    private static void clock(Tpm tpm) {
        long clock = tpm.readClock().clock();
        tpm.execute(new ClockSet(TpmRh.OWNER, EMPTY, clock + 1000));
        assertTrue(tpm.readClock().clock() >= clock + 1000, "the clock moved forward");
        tpm.execute(new ClockRateAdjust(TpmRh.OWNER, EMPTY, 0));
    }

    /** The lockout settings the TPM has, set again; the failure counter reset. */
    private static void dictionaryAttack(Tpm tpm) {
        Map<Integer, Integer> properties = tpm.allProperties();
        tpm.execute(new DictionaryAttackParameters(TpmRh.LOCKOUT, EMPTY, properties.get(TpmPt.MAX_AUTH_FAIL.value()),
                properties.get(TpmPt.LOCKOUT_INTERVAL.value()), properties.get(TpmPt.LOCKOUT_RECOVERY.value())));
        tpm.execute(new DictionaryAttackLockReset(TpmRh.LOCKOUT, EMPTY));
    }

    /** The endorsement hierarchy switched off and on again (or on and off, if it was off); never the platform's. */
    private static void hierarchyControl(Tpm tpm) {
        boolean enabled = (tpm.allProperties().get(TpmPt.STARTUP_CLEAR.value()) & StartupClearAttributes.EH_ENABLE) != 0;
        try {
            tpm.execute(new HierarchyControl(TpmRh.PLATFORM, EMPTY, TpmRh.ENDORSEMENT, !enabled));
        } finally {
            tpm.execute(new HierarchyControl(TpmRh.PLATFORM, EMPTY, TpmRh.ENDORSEMENT, enabled));
        }
    }

    /** TPM2_Clear disabled, then enabled again unless it was disabled before (enabling needs the platform). */
    private static void clearControl(Tpm tpm) {
        boolean wasDisabled = (permanent(tpm) & PermanentAttributes.DISABLE_CLEAR) != 0;
        try {
            tpm.execute(new ClearControl(TpmRh.PLATFORM, EMPTY, true));
        } finally {
            if (!wasDisabled) {
                tpm.execute(new ClearControl(TpmRh.PLATFORM, EMPTY, false));
            }
        }
    }

    private static void algorithmSet(Tpm tpm) {
        tpm.execute(new SetAlgorithmSet(EMPTY, tpm.allProperties().getOrDefault(TpmPt.ALGORITHM_SET.value(), 0)));
    }

    /** Empty lists: nothing would change even where physical presence is asserted. */
    private static void ppCommands(Tpm tpm) {
        try {
            tpm.execute(new PpCommands(EMPTY, List.of(), List.of()));
        } catch (TpmResponseException e) {
            if (!e.is(TpmRc.PP)) {
                throw e;
            }
        }
    }

    /**
     * Shutdown only prepares for a power loss: the TPM goes on answering. STATE is refused with TPM_RC_TYPE once
     * PCR_Allocate has run (until the next reset, as after "PCR allocation" in this run); CLEAR is taken then.
     */
    private static void shutdown(Tpm tpm) {
        try {
            tpm.execute(new Shutdown(TpmSu.STATE));
        } catch (TpmResponseException e) {
            if (!e.is(TpmRc.TYPE)) {
                throw e;
            }
            tpm.execute(new Shutdown(TpmSu.CLEAR));
        }
        assertEquals(8, tpm.getRandom(8).length, "a command after TPM2_Shutdown");
    }

    // --- Helpers -----------------------------------------------------------------------------------------------

    /** The NULL hierarchy's ECC storage key: no authorisation needed, nothing kept across a TPM reset. */
    private static TpmObject nullPrimary(Tpm tpm) {
        return tpm.createPrimary(TpmRh.NULL, Templates.srkEccP256());
    }

    private static PublicParameters.Ecc eccParameters(Scheme scheme, int curve) {
        return new PublicParameters.Ecc(SymmetricDefinition.NULL, scheme, curve, Scheme.NULL);
    }

    private static int permanent(Tpm tpm) {
        return tpm.allProperties().get(TpmPt.PERMANENT.value());
    }

    private static void flushIfLoaded(Tpm tpm, int handle) {
        if (tpm.handles(TpmHt.TRANSIENT).contains(handle)) {
            tpm.execute(new FlushContext(handle));
        }
    }

    private static void verify(TpmObject signer, SignedAttest attest) {
        assertTrue(Signatures.verify(PublicKeys.toPublicKey(signer.publicArea()), attest.signature(),
                attest.attest().bytes()), "the attestation's signature verifies");
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
