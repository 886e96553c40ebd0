package io.tpm4j.api.session;

import io.tpm4j.api.commands.PolicyAuthValue;
import io.tpm4j.api.commands.PolicyAuthorize;
import io.tpm4j.api.commands.PolicyAuthorizeNv;
import io.tpm4j.api.commands.PolicyCommandCode;
import io.tpm4j.api.commands.PolicyCounterTimer;
import io.tpm4j.api.commands.PolicyCpHash;
import io.tpm4j.api.commands.PolicyDuplicationSelect;
import io.tpm4j.api.commands.PolicyLocality;
import io.tpm4j.api.commands.PolicyNameHash;
import io.tpm4j.api.commands.PolicyNv;
import io.tpm4j.api.commands.PolicyNvWritten;
import io.tpm4j.api.commands.PolicyOr;
import io.tpm4j.api.commands.PolicyPassword;
import io.tpm4j.api.commands.PolicyPcr;
import io.tpm4j.api.commands.PolicyPhysicalPresence;
import io.tpm4j.api.commands.PolicySecret;
import io.tpm4j.api.commands.PolicySigned;
import io.tpm4j.api.commands.PolicyTemplate;
import io.tpm4j.api.commands.TpmCommand;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmEo;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.types.TpmSt;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPublicKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link PolicyDigest} against digests a TPM computed. Each {@link Case} names the commands a trial session ran on
 * swtpm and the PolicyDigest calls that should reach the same digest; {@link PolicyDigestRecorder} ran the commands
 * and printed {@link #RECORDED}. Every input is fixed here (PCR events, the NV index, a public key, hashes of fixed
 * strings), so the recording can be repeated on any TPM and gives the same digests. Then the TCG's published
 * policies of the EK Credential Profile, the only concrete policy digests TCG specifications give (Part 1 and
 * Part 3 describe policies without worked values).
 */
class PolicyDigestTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final Authorization EMPTY = Authorization.emptyPassword();

    /** One recording: a trial session of {@code hash} ran {@code steps} in order; {@code offline} is the same policy. */
    record Case(String name, TpmAlg hash, List<Step> steps, PolicyDigest offline) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A policy command for the trial session, given the handle of the loaded {@link #SIGNING_KEY}. */
    interface Step {
        TpmCommand<?> command(int session, int signingKey);
    }

    // ---- The fixed inputs. ----

    static final byte[] POLICY_REF = "tpm4j".getBytes(StandardCharsets.US_ASCII);
    /** What PCRs 16 and 23 (resettable, both zero after TPM2_Startup) were extended with, once each, in the SHA-256 bank. */
    static final Map<Integer, byte[]> PCR_EVENTS = Map.of(16, sha256("pcr 16 event"), 23, sha256("pcr 23 event"));
    static final int NV_INDEX = 0x01500300;
    /** The index as defined: the write that follows sets TPMA_NV_WRITTEN, which its Name then carries. */
    static final NvPublic NV_DEFINED = new NvPublic(NV_INDEX, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY,
            NvAttributes.AUTHREAD, NvAttributes.AUTHWRITE, NvAttributes.NO_DA), new byte[0], 34);
    static final NvPublic NV_WRITTEN = new NvPublic(NV_INDEX, NV_DEFINED.nameAlg(), NvAttributes.of(
            NvAttributes.Type.ORDINARY, NvAttributes.AUTHREAD, NvAttributes.AUTHWRITE, NvAttributes.NO_DA,
            NvAttributes.WRITTEN), new byte[0], 34);
    /** Its contents: a TPMT_HA, SHA-256 of 32 zeros. */
    static final byte[] NV_DATA = new TpmWriter().u16(TpmAlg.SHA256.value()).bytes(new byte[32]).toByteArray();
    /** An ECDSA P-256 public key loaded with TPM2_LoadExternal: the curve's generator, i.e. private key 1. */
    static final PublicArea SIGNING_KEY = generatorKey();

    private static final byte[] CP_HASH = sha256("TPM2_Unseal's cpHash");
    private static final byte[] CP_HASH_512 = digest("SHA-512", "TPM2_NV_Write's cpHash");
    private static final byte[] NAME_HASH = sha256("the Names of the handles");
    private static final byte[] TEMPLATE_HASH = sha256("a template");
    private static final byte[] OBJECT_NAME = name(sha256("an object"));
    private static final byte[] PARENT_NAME = name(sha256("a new parent"));
    private static final byte[] GIVEN_PCR_DIGEST = sha256("the digest of PCR values to come");
    private static final List<PcrSelection> TWO_BANKS = List.of(PcrSelection.of(TpmAlg.SHA1, 0, 1),
            PcrSelection.of(TpmAlg.SHA256, 2, 3));
    private static final List<PcrSelection> PCRS_0_16_23 = List.of(PcrSelection.of(TpmAlg.SHA256, 0, 16, 23));
    private static final byte[] CLOCK_OPERAND = new TpmWriter().u64(1000).toByteArray();
    private static final byte[] NV_EQUALS = {0, 0x0B};
    private static final byte[] NV_AT_MOST = new TpmWriter().u32(5).toByteArray();
    private static final List<byte[]> OR_BRANCHES = List.of(sha256("branch 1"), sha256("branch 2"), sha256("branch 3"));

    /** The SHA-256 PCR values after the events: zero, then extended once. */
    static Map<Integer, byte[]> pcrValues(int... pcrs) {
        Map<Integer, byte[]> values = new TreeMap<>();
        for (int pcr : pcrs) {
            byte[] event = PCR_EVENTS.get(pcr);
            values.put(pcr, event == null ? new byte[32] : sha256(new byte[32], event));
        }
        return values;
    }

    static List<Case> cases() {
        PolicyDigest sha256 = PolicyDigest.start(TpmAlg.SHA256);
        byte[] keyName = SIGNING_KEY.name();
        byte[] nvName = NV_WRITTEN.name();
        Signature placeholder = new Signature.Ecc(TpmAlg.ECDSA.value(), TpmAlg.SHA256.value(), new byte[32], new byte[32]);
        Ticket noTicket = new Ticket(TpmSt.VERIFIED.value(), TpmRh.NULL, new byte[0]);
        Step pcrNow = (s, k) -> new PolicyPcr(s, new byte[0], PCRS_0_16_23);
        Step secretOwner = (s, k) -> new PolicySecret(TpmRh.OWNER, EMPTY, s, new byte[0], new byte[0], POLICY_REF, 0);
        Step nvEquals = (s, k) -> new PolicyNv(NV_INDEX, EMPTY, NV_INDEX, s, NV_EQUALS, 0, TpmEo.EQ);
        Step clockAfter = (s, k) -> new PolicyCounterTimer(s, CLOCK_OPERAND, 8, TpmEo.UNSIGNED_GT);
        return List.of(
                new Case("authValue", TpmAlg.SHA256, List.of((s, k) -> new PolicyAuthValue(s)), sha256.authValue()),
                new Case("password", TpmAlg.SHA256, List.of((s, k) -> new PolicyPassword(s)), sha256.password()),
                new Case("commandCode", TpmAlg.SHA256, List.of((s, k) -> new PolicyCommandCode(s, TpmCc.UNSEAL.value())),
                        sha256.commandCode(TpmCc.UNSEAL)),
                new Case("physicalPresence", TpmAlg.SHA256, List.of((s, k) -> new PolicyPhysicalPresence(s)),
                        sha256.physicalPresence()),
                new Case("locality", TpmAlg.SHA256, List.of((s, k) -> new PolicyLocality(s, 0x03)), sha256.locality(0x03)),
                new Case("extendedLocality", TpmAlg.SHA256, List.of((s, k) -> new PolicyLocality(s, 0x40)),
                        sha256.locality(0x40)),
                new Case("nvWritten", TpmAlg.SHA256, List.of((s, k) -> new PolicyNvWritten(s, true)), sha256.nvWritten(true)),
                new Case("nvNotWritten", TpmAlg.SHA256, List.of((s, k) -> new PolicyNvWritten(s, false)),
                        sha256.nvWritten(false)),
                new Case("cpHash", TpmAlg.SHA256, List.of((s, k) -> new PolicyCpHash(s, CP_HASH)), sha256.cpHash(CP_HASH)),
                new Case("nameHash", TpmAlg.SHA256, List.of((s, k) -> new PolicyNameHash(s, NAME_HASH)),
                        sha256.nameHash(NAME_HASH)),
                new Case("template", TpmAlg.SHA256, List.of((s, k) -> new PolicyTemplate(s, TEMPLATE_HASH)),
                        sha256.template(TEMPLATE_HASH)),
                new Case("counterTimer", TpmAlg.SHA256, List.of(clockAfter),
                        sha256.counterTimer(CLOCK_OPERAND, 8, TpmEo.UNSIGNED_GT)),
                new Case("duplicationSelect", TpmAlg.SHA256,
                        List.of((s, k) -> new PolicyDuplicationSelect(s, OBJECT_NAME, PARENT_NAME, false)),
                        sha256.duplicationSelect(OBJECT_NAME, PARENT_NAME, false)),
                new Case("duplicationSelectWithObject", TpmAlg.SHA256,
                        List.of((s, k) -> new PolicyDuplicationSelect(s, OBJECT_NAME, PARENT_NAME, true)),
                        sha256.duplicationSelect(OBJECT_NAME, PARENT_NAME, true)),
                new Case("pcrCurrentValues", TpmAlg.SHA256, List.of(pcrNow), sha256.pcr(TpmAlg.SHA256, pcrValues(0, 16, 23))),
                // In a trial session a non-empty pcrDigest is taken as given, for values the PCRs do not hold yet.
                new Case("pcrGivenDigestTwoBanks", TpmAlg.SHA256,
                        List.of((s, k) -> new PolicyPcr(s, GIVEN_PCR_DIGEST, TWO_BANKS)),
                        sha256.pcrDigest(TWO_BANKS, GIVEN_PCR_DIGEST)),
                new Case("secret", TpmAlg.SHA256, List.of(secretOwner), sha256.secret(handleName(TpmRh.OWNER), POLICY_REF)),
                new Case("secretWithoutPolicyRef", TpmAlg.SHA256,
                        List.of((s, k) -> new PolicySecret(TpmRh.ENDORSEMENT, EMPTY, s, new byte[0], new byte[0],
                                new byte[0], 0)), sha256.secret(handleName(TpmRh.ENDORSEMENT), new byte[0])),
                // A trial session does not check the signature, only that the key is loaded.
                new Case("signed", TpmAlg.SHA256, List.of((s, k) -> new PolicySigned(k, s, new byte[0], new byte[0],
                        POLICY_REF, 0, placeholder)), sha256.signed(keyName, POLICY_REF)),
                // PolicyAuthorize replaces what came before; a trial session checks neither approvedPolicy nor ticket.
                new Case("authorize", TpmAlg.SHA256, List.of((s, k) -> new PolicyCommandCode(s, TpmCc.SIGN.value()),
                        (s, k) -> new PolicyAuthorize(s, new byte[32], POLICY_REF, keyName, noTicket)),
                        sha256.commandCode(TpmCc.SIGN).authorize(keyName, POLICY_REF)),
                new Case("nv", TpmAlg.SHA256, List.of(nvEquals), sha256.nv(NV_EQUALS, 0, TpmEo.EQ, nvName)),
                new Case("nvAtOffset", TpmAlg.SHA256, List.of((s, k) -> new PolicyNv(NV_INDEX, EMPTY, NV_INDEX, s,
                        NV_AT_MOST, 2, TpmEo.UNSIGNED_LE)), sha256.nv(NV_AT_MOST, 2, TpmEo.UNSIGNED_LE, nvName)),
                new Case("authorizeNv", TpmAlg.SHA256, List.of((s, k) -> new PolicyCommandCode(s, TpmCc.SIGN.value()),
                        (s, k) -> new PolicyAuthorizeNv(NV_INDEX, EMPTY, NV_INDEX, s)), sha256.authorizeNv(nvName)),
                // A trial session does not check that its digest is one of the branches.
                new Case("or", TpmAlg.SHA256, List.of((s, k) -> new PolicyOr(s, OR_BRANCHES)),
                        new PolicyDigest(TpmAlg.SHA256, OR_BRANCHES.get(0)).or(OR_BRANCHES.stream()
                                .map(b -> new PolicyDigest(TpmAlg.SHA256, b)).toList())),
                new Case("sealingChain", TpmAlg.SHA256, List.of(pcrNow,
                        (s, k) -> new PolicyCommandCode(s, TpmCc.UNSEAL.value()), (s, k) -> new PolicyAuthValue(s)),
                        sha256.pcr(TpmAlg.SHA256, pcrValues(0, 16, 23)).commandCode(TpmCc.UNSEAL).authValue()),
                new Case("sha1Chain", TpmAlg.SHA1, List.of((s, k) -> new PolicyAuthValue(s),
                        (s, k) -> new PolicyCommandCode(s, TpmCc.NV_READ.value())),
                        PolicyDigest.start(TpmAlg.SHA1).authValue().commandCode(TpmCc.NV_READ)),
                // The PCR digest is over SHA-256 PCR values but made with the session's hash.
                new Case("sha384Chain", TpmAlg.SHA384, List.of(secretOwner, clockAfter,
                        (s, k) -> new PolicyPcr(s, new byte[0], List.of(PcrSelection.of(TpmAlg.SHA256, 16)))),
                        PolicyDigest.start(TpmAlg.SHA384).secret(handleName(TpmRh.OWNER), POLICY_REF)
                                .counterTimer(CLOCK_OPERAND, 8, TpmEo.UNSIGNED_GT).pcr(TpmAlg.SHA256, pcrValues(16))),
                new Case("sha512Chain", TpmAlg.SHA512, List.of(nvEquals, (s, k) -> new PolicyCpHash(s, CP_HASH_512),
                        (s, k) -> new PolicyCommandCode(s, TpmCc.NV_WRITE.value())),
                        PolicyDigest.start(TpmAlg.SHA512).nv(NV_EQUALS, 0, TpmEo.EQ, nvName).cpHash(CP_HASH_512)
                                .commandCode(TpmCc.NV_WRITE)));
    }

    /**
     * Recorded once by {@link PolicyDigestRecorder} on swtpm 0.7.1 with libtpms 0.9.2 (a second run gave the same
     * lines): each case in a trial session of its own, then TPM2_PolicyGetDigest; also the Names the TPM gave the
     * loaded key (TPM2_LoadExternal) and the written index (TPM2_NV_ReadPublic).
     */
    static final Map<String, String> RECORDED = recorded();

    private static Map<String, String> recorded() {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("keyName", "000b19366a7e682a0589dc1096b44aab74b7942f84b386b94eab81013d9970daf605");
        r.put("nvName", "000b78f2c1e8fbcebc7b7f299f650ceced8228d67199cb831153e70e00f748cd2213");
        r.put("authValue", "8fcd2169ab92694e0c633f1ab772842b8241bbc20288981fc7ac1eddc1fddb0e");
        r.put("password", "8fcd2169ab92694e0c633f1ab772842b8241bbc20288981fc7ac1eddc1fddb0e");
        r.put("commandCode", "e613137076524bde487533865884e9732ebee3aacb095d94a6de492ec06c46fa");
        r.put("physicalPresence", "0d7c6747b1b9facbba03492097aa9d5af792e5efc07346e05f9daa8b3d9e13b5");
        r.put("locality", "7794f6c3e3a87b98111a7b2e04429e241b7ab16235732336a971c170e375af3a");
        r.put("extendedLocality", "3282abd8bf935170d3720129a766b54a3d3afab9c23f3a9e6d9f3aeeaf3da622");
        r.put("nvWritten", "f7887d158ae8d38be0ac5319f37a9e07618bf54885453c7a54ddb0c6a6193beb");
        r.put("nvNotWritten", "3c326323670e28ad37bd57f63b4cc34d26ab205ef22f275c58d47fab2485466e");
        r.put("cpHash", "c28630501eab2f8e6a471e8abed44db54c51080fc32ffffb4c492fc11c423246");
        r.put("nameHash", "f5e6f66b613d07a92c4f2097eed9233799baccaad3a0aa42a3c356767c0ffe33");
        r.put("template", "d48218384514d22504803dfe9533d41eae5f6cb2e1465d8ed47eb0d43df82b86");
        r.put("counterTimer", "b9b7e269252a2c92c2658afb6f9eeafb37ca4dab47ee3cb9fc6f86202e1336b9");
        r.put("duplicationSelect", "14a402ee67df7c934c8372496a6cb7d1b273657bd7804311f3fa157a46456103");
        r.put("duplicationSelectWithObject", "651b6092680131941846e80cdc2b3f4684dfb687c31e66f4a1d009507bfea462");
        r.put("pcrCurrentValues", "0c28a28e1fe3f9932bc0ef97825a7e6116da046a6d2b92c3cd2c4d55542f50ed");
        r.put("pcrGivenDigestTwoBanks", "b8a13229f2a40b1bcfddc765b16f0ec0d45ef2f83a65646edb45537fdc1f273f");
        r.put("secret", "0921aa4b009b3bdcd960921b9a41c4cacc94cff7f04e9414e429b92962193406");
        r.put("secretWithoutPolicyRef", "837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa");
        r.put("signed", "4977d6f1a49e3cffb200896b03d6925fe90d30afed83c887a294c965e14b02bf");
        r.put("authorize", "5a20f34218164b51fb03c9b25bb60dd0184233b7d51c848d807ae022a0e75279");
        r.put("nv", "9d3a5ea8fa780b5138f04864d4ae3e3f7b9946bed038e33e3e5520b5c843a573");
        r.put("nvAtOffset", "d962aa6d68faae5f0457a945735fc5770218808acda54b369651678b88543ffa");
        r.put("authorizeNv", "adc947249a724f10d64d296c17823bb1c0d50b0dbcb27da62f1c6ba1564cd660");
        r.put("or", "94b9692bfcb200194accbc7c5016edb807fc9c384f7bf75e73dbb68e1071b5de");
        r.put("sealingChain", "644311a3caf7c139be42ad82ca27e2fb7295554ea01ce55935d28b482b61a7db");
        r.put("sha1Chain", "c94646b78fbcb0ff02fca2435d87f6ddb318210d");
        r.put("sha384Chain", "caf6b85f7d3b15009cd167ab422dfc9938e65aaea301fadbe3b21d7971cab7ddb36ca061b2051647b048d7d477402a08");
        r.put("sha512Chain", "01fc6d28ffef417074b8a3d537d36ea23fb9ea50a3bfcc604d1f0b93ab9fe1c97abd92715b7fe3166ca978b6c8a7282607c322add2ea300a9a7a389299c8d8ee");
        return r;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theOfflineDigestIsTheOneTheTpmComputed(Case c) {
        assertEquals(RECORDED.get(c.name()), HEX.formatHex(c.offline().digest()), c.name());
    }

    @Test
    void everyRecordingHasACase() {
        List<String> names = new ArrayList<>(cases().stream().map(Case::name).toList());
        names.add("keyName");
        names.add("nvName");
        assertEquals(RECORDED.keySet().stream().sorted().toList(), names.stream().sorted().toList());
    }

    @Test
    void theNamesTheTpmGaveAreTheOnesComputedOffline() {
        assertEquals(RECORDED.get("keyName"), HEX.formatHex(SIGNING_KEY.name()));
        assertEquals(RECORDED.get("nvName"), HEX.formatHex(NV_WRITTEN.name()));
    }

    // ---- Published values: the TCG EK Credential Profile for TPM Family 2.0 (version 2.x), annex B. ----

    /**
     * One hash's published values: Policy A is PolicySecret(TPM_RH_ENDORSEMENT); the policy index (I-1, I-2 or I-3,
     * attributes 0x220F1008, authPolicy Policy A, a TPMT_HA of data) has the Name given; Policy C is
     * PolicyAuthorizeNV of that index; Policy B, the high-range EKs' policy, is the PolicyOR of A and C.
     */
    record EkProfile(TpmAlg hash, int policyIndex, String policyA, String indexName, String policyC, String policyB) {
        @Override
        public String toString() {
            return hash.toString();
        }
    }

    static List<EkProfile> ekProfile() {
        return List.of(
                new EkProfile(TpmAlg.SHA256, 0x01C07F01,
                        "837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa",
                        "000b0c9d717e9c3fe69fda41769450bb145957f8b3610e084dbf65591a5d11ecd83f",
                        "3767e2edd43ff45a3a7e1eaefcef78643dca964632e7aad82c673a30d8633fde",
                        "ca3d0a99a2b93906f7a3342414efcfb3a385d44cd1fd459089d19b5071c0b7a0"),
                new EkProfile(TpmAlg.SHA384, 0x01C07F02,
                        "8bbf2266537c171cb56e403c4dc1d4b64f432611dc386e6f532050c3278c930e143e8bb1133824ccb431053871c6db53",
                        "000cdb62fca346612c976732ff4e8621fb4e858be82586486504f7d02e621f8d7d61ae32cfc60c4d120609ed6768afcf090c",
                        "d6032ce61f2fb3c240eb3cf6a33237ef2b6a16f4293c22b455e261cffd217ad5b4947c2d73e63005eed2dc2b3593d165",
                        "b26e7d28d11a50bc53d882bcf5fd3a1a074148bb35d3b4e4cb1c0ad9bde419cacb47ba09699646150f9fc000f3f80e12"),
                new EkProfile(TpmAlg.SHA512, 0x01C07F03,
                        "1e3b76502c8a1425aa0b7b3fc646a1b0fae063b03b5368f9c4cddecaff0891dd"
                                + "682bac1a85d4d832b781ea451915de5fc5bf0dc4a1917cd42fa041e3f998e0ee",
                        "000d1c47c0bbcbd3cf7d7cae6987d31937c171015dde3b7f0d3c869bca1f7e8a"
                                + "223b9acfadb49b7c9cf14d450f41e9327de34d9291eece2c58ab1dc10e9059cce560",
                        "589ee1e146544716e8deafe6db247b01b81e9f9c7dd16b814aa159138749105f"
                                + "ba5388dd1dea702f35240c184933121e2c61b8f50d3ef91393a49a38c3f73fc8",
                        "b8221ca69e8550a4914de3faa6a18c072cc01208073a928d5d66d59ef79e49a4"
                                + "29c41a6b269571d57edb25fbdb1838425608b413cd616a5f6db5b6071af99bea"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ekProfile")
    void theEkCredentialProfilesPoliciesAreComputedOffline(EkProfile ek) {
        TpmAlg hash = ek.hash();
        PolicyDigest a = PolicyDigest.start(hash).secret(handleName(TpmRh.ENDORSEMENT), new byte[0]);
        assertEquals(ek.policyA(), HEX.formatHex(a.digest()), "Policy A");
        byte[] indexName = new NvPublic(ek.policyIndex(), hash, new NvAttributes(0x220F1008), a.digest(),
                2 + hash.digestSize().getAsInt()).name();
        assertEquals(ek.indexName(), HEX.formatHex(indexName), "the policy index's Name");
        PolicyDigest c = PolicyDigest.start(hash).authorizeNv(indexName);
        assertEquals(ek.policyC(), HEX.formatHex(c.digest()), "Policy C");
        assertEquals(ek.policyB(), HEX.formatHex(a.or(List.of(a, c)).digest()), "Policy B");
        assertArrayEquals(HEX.parseHex(ek.policyB()), c.or(List.of(a, c)).digest(),
                "PolicyOR does not depend on which branch was satisfied");
    }

    // ---- Helpers. ----

    /** The Name of a permanent handle: the handle itself. */
    static byte[] handleName(int handle) {
        return new TpmWriter().u32(handle).toByteArray();
    }

    private static byte[] name(byte[] sha256Digest) {
        return new TpmWriter().u16(TpmAlg.SHA256.value()).bytes(sha256Digest).toByteArray();
    }

    private static byte[] sha256(String text) {
        return digest("SHA-256", text);
    }

    private static byte[] digest(String algorithm, String text) {
        try {
            return MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] sha256(byte[] first, byte[] second) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(first);
            return digest.digest(second);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static PublicArea generatorKey() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            ECParameterSpec p256 = parameters.getParameterSpec(ECParameterSpec.class);
            return PublicKeys.toPublicArea(KeyFactory.getInstance("EC").generatePublic(
                    new ECPublicKeySpec(p256.getGenerator(), p256)), TpmAlg.SHA256);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
