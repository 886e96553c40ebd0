package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.testhw.Permission;
import io.tpm4j.testhw.Target;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import static io.tpm4j.api.types.TpmCc.*;

/**
 * The command catalogue: every command tpm4j has a typed record for, each proved by one exercise of
 * {@link EveryCommandTest} — a short real scenario that makes the TPM do the command's work. The same catalogue
 * runs on swtpm ({@code EveryCommandOnSwtpmTest}), on a chip ({@code ./tpm4j check}) and under the kernel VM;
 * docs/commands.md names each command's exercise. The work is in the topic classes ({@link ReadOnlyExercises},
 * {@link KeyExercises}, {@link AttestationExercises}, {@link PolicyExercises}, {@link PcrExercises},
 * {@link NvExercises}, {@link HierarchyExercises}).
 * <p>
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

    private Exercises() {
    }

    /**
     * Every exercise, for {@code target}; {@code advertised} says which commands the TPM has, so that an
     * exercise skips the optional steps whose commands it lacks.
     */
    static List<Exercise> all(Target target, Predicate<TpmCc> advertised) {
        KeyExercises keys = new KeyExercises(advertised);
        AttestationExercises attestation = new AttestationExercises(advertised);
        PolicyExercises policies = new PolicyExercises(advertised);
        PcrExercises pcrs = new PcrExercises(advertised);
        NvExercises nv = new NvExercises(advertised);
        // tpm4j's resource manager answers Shutdown itself; anywhere else it reaches the TPM.
        boolean shutdownVirtualised = target instanceof Target.ResourceManagerOver || target instanceof Target.Server;
        return List.of(
                new Exercise("Startup on a running TPM", Set.of(), List.of(STARTUP), ReadOnlyExercises::startup),
                new Exercise("self tests", Set.of(), List.of(SELF_TEST, INCREMENTAL_SELF_TEST, GET_TEST_RESULT),
                        ReadOnlyExercises::selfTests),
                new Exercise("random numbers", Set.of(), List.of(GET_RANDOM, STIR_RANDOM), ReadOnlyExercises::random),
                new Exercise("reading the TPM", Set.of(), List.of(GET_CAPABILITY, PCR_READ, READ_CLOCK, TEST_PARMS,
                        ECC_PARAMETERS), ReadOnlyExercises::reading),
                new Exercise("hashing", Set.of(), List.of(HASH, HASH_SEQUENCE_START, SEQUENCE_UPDATE, SEQUENCE_COMPLETE),
                        ReadOnlyExercises::hashing),
                new Exercise("keys in the NULL hierarchy", Set.of(), List.of(CREATE_PRIMARY, CREATE, LOAD, READ_PUBLIC,
                        SIGN, VERIFY_SIGNATURE, CONTEXT_SAVE, CONTEXT_LOAD, FLUSH_CONTEXT, CREATE_LOADED), keys::keys),
                new Exercise("sealed data and a new object password", Set.of(), List.of(OBJECT_CHANGE_AUTH, UNSEAL),
                        KeyExercises::sealing),
                new Exercise("encryption and HMAC", Set.of(), List.of(RSA_ENCRYPT, RSA_DECRYPT, ENCRYPT_DECRYPT,
                        ENCRYPT_DECRYPT_2, HMAC, HMAC_START), keys::ciphers),
                new Exercise("ECDH and two-phase key exchange", Set.of(), List.of(ECDH_KEY_GEN, ECDH_ZGEN, EC_EPHEMERAL,
                        ZGEN_2PHASE), keys::keyExchange),
                new Exercise("ECDAA commitment", Set.of(), List.of(COMMIT), KeyExercises::commit),
                new Exercise("attestation", Set.of(), List.of(QUOTE, CERTIFY, CERTIFY_CREATION, CERTIFY_X509),
                        attestation::attestation),
                new Exercise("credential activation", Set.of(), List.of(MAKE_CREDENTIAL, ACTIVATE_CREDENTIAL),
                        KeyExercises::credential),
                new Exercise("duplication", Set.of(), List.of(DUPLICATE, REWRAP, IMPORT), KeyExercises::duplication),
                new Exercise("policy sessions", Set.of(), List.of(START_AUTH_SESSION, POLICY_RESTART, POLICY_GET_DIGEST,
                        POLICY_AUTH_VALUE, POLICY_PASSWORD, POLICY_PHYSICAL_PRESENCE, POLICY_COMMAND_CODE,
                        POLICY_LOCALITY, POLICY_NV_WRITTEN, POLICY_CP_HASH, POLICY_NAME_HASH, POLICY_TEMPLATE,
                        POLICY_COUNTER_TIMER, POLICY_DUPLICATION_SELECT, POLICY_PCR, POLICY_OR, POLICY_SIGNED,
                        POLICY_SECRET, POLICY_TICKET, POLICY_AUTHORIZE, LOAD_EXTERNAL), policies::policies),
                new Exercise("signed time and session audit", Set.of(Permission.ENDORSEMENT),
                        List.of(GET_TIME, GET_SESSION_AUDIT_DIGEST), AttestationExercises::timeAndSessionAudit),
                new Exercise("command audit", Set.of(Permission.OWNER, Permission.ENDORSEMENT),
                        List.of(SET_COMMAND_CODE_AUDIT_STATUS, GET_COMMAND_AUDIT_DIGEST), AttestationExercises::commandAudit),
                new Exercise("PCR 16", Set.of(Permission.PCR), List.of(PCR_EXTEND, PCR_EVENT, EVENT_SEQUENCE_COMPLETE,
                        PCR_RESET), PcrExercises::debugPcr),
                new Exercise("PCR authValue and authPolicy", Set.of(Permission.PLATFORM, Permission.PCR),
                        List.of(PCR_SET_AUTH_VALUE, PCR_SET_AUTH_POLICY), pcrs::pcrAuthorisation),
                new Exercise("PCR allocation", Set.of(Permission.PLATFORM), List.of(PCR_ALLOCATE), PcrExercises::pcrAllocate),
                new Exercise("an NV index", Set.of(Permission.OWNER, Permission.NV), List.of(NV_DEFINE_SPACE,
                        NV_UNDEFINE_SPACE, NV_READ_PUBLIC, NV_WRITE, NV_READ, NV_INCREMENT, NV_EXTEND, NV_SET_BITS,
                        NV_WRITE_LOCK, NV_READ_LOCK, NV_CHANGE_AUTH, NV_CERTIFY, POLICY_NV, POLICY_AUTHORIZE_NV),
                        nv::nvIndices),
                // NV_GlobalWriteLock write-locks every index with TPMA_NV_GLOBALLOCK until the next TPM reset.
                new Exercise("NV global write lock", Set.of(Permission.OWNER, Permission.NV), List.of(NV_GLOBAL_WRITE_LOCK),
                        NvExercises::globalWriteLock),
                new Exercise("a platform NV index deleted by policy", Set.of(Permission.PLATFORM, Permission.NV),
                        List.of(NV_UNDEFINE_SPACE_SPECIAL), NvExercises::undefineSpaceSpecial),
                new Exercise("a persistent key", Set.of(Permission.OWNER, Permission.PERSISTENT), List.of(EVICT_CONTROL),
                        HierarchyExercises::persistent),
                new Exercise("owner password", Set.of(Permission.OWNER), List.of(HIERARCHY_CHANGE_AUTH),
                        HierarchyExercises::ownerPassword),
                new Exercise("owner primary policy", Set.of(Permission.OWNER), List.of(SET_PRIMARY_POLICY),
                        HierarchyExercises::primaryPolicy),
                new Exercise("clock", Set.of(Permission.OWNER), List.of(CLOCK_SET, CLOCK_RATE_ADJUST), HierarchyExercises::clock),
                new Exercise("dictionary-attack settings", Set.of(Permission.DA), List.of(DICTIONARY_ATTACK_PARAMETERS,
                        DICTIONARY_ATTACK_LOCK_RESET), HierarchyExercises::dictionaryAttack),
                new Exercise("endorsement hierarchy off and on", Set.of(Permission.PLATFORM, Permission.ENDORSEMENT),
                        List.of(HIERARCHY_CONTROL), HierarchyExercises::hierarchyControl),
                new Exercise("TPM2_Clear off and on", Set.of(Permission.PLATFORM), List.of(CLEAR_CONTROL),
                        HierarchyExercises::clearControl),
                new Exercise("algorithm set", Set.of(Permission.PLATFORM), List.of(SET_ALGORITHM_SET),
                        HierarchyExercises::algorithmSet),
                new Exercise("physical-presence command list", Set.of(Permission.PLATFORM), List.of(PP_COMMANDS),
                        HierarchyExercises::ppCommands),
                new Exercise("Shutdown(STATE), then more commands", shutdownVirtualised ? Set.of()
                        : Set.of(Permission.PLATFORM), List.of(SHUTDOWN), HierarchyExercises::shutdown),
                // Destructive: a new endorsement seed changes every endorsement key (the EK no longer matches its
                // certificate); a new platform seed changes every platform key; Clear gives the owner a new seed,
                // removing every owner key, persistent object and owner NV index, and resets the owner's,
                // endorsement and lockout authorisations.
                new Exercise("new endorsement seed", Set.of(Permission.CLEAR, Permission.PLATFORM, Permission.ENDORSEMENT),
                        List.of(CHANGE_EPS), HierarchyExercises::newEndorsementSeed),
                new Exercise("new platform seed", Set.of(Permission.CLEAR, Permission.PLATFORM), List.of(CHANGE_PPS),
                        HierarchyExercises::newPlatformSeed),
                new Exercise("TPM2_Clear", Set.of(Permission.CLEAR), List.of(CLEAR),
                        HierarchyExercises::clear));
    }

}
