package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCap;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmEo;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.types.TpmSu;

import java.util.List;
import java.util.Optional;

/**
 * Command records with values in every field (no zeros, lists with elements, optional parts present), whose
 * parameter bytes show what placeholders cannot: field order, list counts, nested sizes.
 */
final class SampleCommands {

    private static final Authorization AUTH = Authorization.password(new byte[] {7});

    private SampleCommands() {
    }

    private static byte[] bytes(int length, int first) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) (first + i);
        }
        return out;
    }

    private static PublicId.Ecc point(int first) {
        return new PublicId.Ecc(bytes(32, first), bytes(32, first + 0x40));
    }

    /** In a fixed order: the recorded bytes are matched by position. */
    static List<TpmCommand<?>> all() {
        Scheme ecdsa = Scheme.of(TpmAlg.ECDSA, TpmAlg.SHA256);
        Ticket ticket = new Ticket(0x8024, TpmRh.OWNER, bytes(32, 0x10));
        List<PcrSelection> pcrs = List.of(PcrSelection.of(TpmAlg.SHA256, 0, 7, 16), PcrSelection.of(TpmAlg.SHA1, 23));
        SensitiveCreate sensitive = new SensitiveCreate(bytes(5, 0x31), bytes(9, 0x51));
        NvPublic nvPublic = new NvPublic(0x01500020, TpmAlg.SHA256,
                NvAttributes.of(NvAttributes.Type.ORDINARY, NvAttributes.AUTHREAD, NvAttributes.AUTHWRITE),
                bytes(32, 0x60), 48);
        Signature signature = new Signature.Ecc(TpmAlg.ECDSA.value(), TpmAlg.SHA256.value(), bytes(32, 1),
                bytes(32, 2));
        return List.of(
                new Create(0x80000001, AUTH, sensitive, Templates.rsaSigningKey(), bytes(4, 0x70), pcrs),
                new CreatePrimary(TpmRh.ENDORSEMENT, AUTH, sensitive, Templates.ekEccP256(), bytes(3, 0x71), pcrs),
                new CreateLoaded(0x80000002, AUTH, sensitive, Templates.sealedData()),
                new Load(0x80000001, AUTH, bytes(100, 3), Templates.eccSigningKey()),
                new LoadExternal(Templates.rsaDecryptionKey(), TpmRh.NULL),
                new Import(0x80000001, AUTH, bytes(16, 4), Templates.hmacKey(), bytes(60, 5), bytes(70, 6),
                        SymmetricDefinition.AES_128_CFB),
                new Sign(0x80000003, AUTH, bytes(32, 8), ecdsa, ticket),
                new VerifySignature(0x80000003, bytes(32, 9), signature),
                new PolicySigned(0x80000003, 0x03000000, bytes(16, 1), bytes(32, 2), bytes(8, 3), -60, signature),
                new Commit(0x80000003, AUTH, Optional.of(point(0x11)), bytes(6, 0x21), bytes(7, 0x22)),
                new Commit(0x80000003, AUTH, Optional.empty(), bytes(0, 0), bytes(0, 0)),
                new ZGen2Phase(0x80000004, AUTH, point(0x12), point(0x13), TpmAlg.ECMQV.value(), 3),
                new EcdhZGen(0x80000004, AUTH, point(0x14)),
                new NvDefineSpace(TpmRh.OWNER, AUTH, bytes(12, 0x41), nvPublic),
                new NvWrite(0x01500020, AUTH, 0x01500020, bytes(40, 0x42), 8),
                new NvRead(TpmRh.OWNER, AUTH, 0x01500020, 32, 16),
                new NvCertify(0x80000003, AUTH, 0x01500020, AUTH, 0x01500020, bytes(10, 1), ecdsa, 20, 4),
                new PolicyNv(0x01500020, AUTH, 0x01500020, 0x03000001, bytes(8, 0x43), 2, TpmEo.UNSIGNED_LE),
                new PolicyCounterTimer(0x03000001, bytes(8, 0x44), 8, TpmEo.SIGNED_GT),
                new PolicyOr(0x03000001, List.of(bytes(32, 1), bytes(32, 2), bytes(32, 3))),
                new PolicyPcr(0x03000001, bytes(32, 0x45), pcrs),
                new PolicyTicket(0x03000001, bytes(8, 1), bytes(32, 2), bytes(4, 3), bytes(34, 4), ticket),
                new PolicyAuthorize(0x03000001, bytes(32, 1), bytes(3, 2), bytes(34, 3), ticket),
                new PolicyDuplicationSelect(0x03000001, bytes(34, 1), bytes(34, 2), true),
                new PolicyLocality(0x03000001, 3),
                new PolicyNvWritten(0x03000001, true),
                new PcrExtend(16, AUTH, List.of(new TaggedDigest(TpmAlg.SHA1, bytes(20, 1)),
                        new TaggedDigest(TpmAlg.SHA256, bytes(32, 2)))),
                new PcrRead(pcrs),
                new PcrAllocate(TpmRh.PLATFORM, AUTH, pcrs),
                new Quote(0x80000003, AUTH, bytes(16, 0x46), ecdsa, pcrs),
                new CertifyX509(0x80000001, AUTH, 0x80000003, AUTH, ecdsa, bytes(90, 0x47)),
                new CertifyCreation(0x80000003, AUTH, 0x80000001, bytes(4, 1), bytes(32, 2), ecdsa, ticket),
                new Duplicate(0x80000001, AUTH, 0x80000002, bytes(16, 0x48), SymmetricDefinition.AES_128_CFB),
                new Rewrap(0x80000001, AUTH, 0x80000002, bytes(50, 1), bytes(34, 2), bytes(64, 3)),
                new ActivateCredential(0x80000001, AUTH, 0x81010001, AUTH, bytes(50, 4), bytes(64, 5)),
                new MakeCredential(0x80000002, bytes(16, 6), bytes(34, 7)),
                new RsaEncrypt(0x80000005, bytes(20, 8), Scheme.of(TpmAlg.OAEP, TpmAlg.SHA256), bytes(5, 9)),
                new RsaDecrypt(0x80000005, AUTH, bytes(256, 10), Scheme.of(TpmAlg.OAEP, TpmAlg.SHA1), bytes(3, 11)),
                new EncryptDecrypt(0x80000006, AUTH, true, TpmAlg.CFB.value(), bytes(16, 1), bytes(48, 2)),
                new EncryptDecrypt2(0x80000006, AUTH, bytes(48, 3), false, TpmAlg.CBC.value(), bytes(16, 4)),
                new Hmac(0x80000007, AUTH, bytes(100, 5), TpmAlg.SHA384.value()),
                new HmacStart(0x80000007, AUTH, bytes(8, 6), TpmAlg.SHA256.value()),
                new Hash(bytes(70, 7), TpmAlg.SHA512, TpmRh.OWNER),
                new SequenceComplete(0x80000008, AUTH, bytes(30, 8), TpmRh.ENDORSEMENT),
                new StartAuthSession(0x80000001, TpmRh.NULL, bytes(32, 9), bytes(68, 10), StartAuthSession.POLICY,
                        SymmetricDefinition.AES_128_CFB, TpmAlg.SHA256),
                new StartAuthSession(TpmRh.NULL, 0x80000001, bytes(16, 1), bytes(0, 0), StartAuthSession.HMAC,
                        SymmetricDefinition.xor(TpmAlg.SHA256), TpmAlg.SHA1),
                new PolicySecret(TpmRh.OWNER, AUTH, 0x03000001, bytes(16, 1), bytes(32, 2), bytes(5, 3), 3600),
                new GetCapability(TpmCap.TPM_PROPERTIES, 0x100, 64),
                new GetRandom(48),
                new ContextLoad(new SavedContext(0x1122334455L, 0x80000001, TpmRh.OWNER, bytes(80, 12))),
                new TestParms(new PublicParameters.Ecc(SymmetricDefinition.NULL, ecdsa, 0x0003, Scheme.NULL)),
                new IncrementalSelfTest(List.of(TpmAlg.SHA256.value(), TpmAlg.AES.value(), TpmAlg.RSA.value())),
                new SetCommandCodeAuditStatus(TpmRh.OWNER, AUTH, TpmAlg.SHA256, List.of(0x153, 0x15d),
                        List.of(0x17b)),
                new PpCommands(AUTH, List.of(TpmCc.CLEAR, TpmCc.NV_DEFINE_SPACE), List.of(TpmCc.HIERARCHY_CONTROL)),
                new HierarchyControl(TpmRh.PLATFORM, AUTH, TpmRh.OWNER, true),
                new DictionaryAttackParameters(TpmRh.LOCKOUT, AUTH, 32, 7200, 86400),
                new ClockSet(TpmRh.OWNER, AUTH, 0x0102030405060708L),
                new ClockRateAdjust(TpmRh.OWNER, AUTH, -3),
                new PcrSetAuthPolicy(AUTH, bytes(32, 13), TpmAlg.SHA256, 16),
                new SetPrimaryPolicy(TpmRh.OWNER, AUTH, bytes(32, 14), TpmAlg.SHA256),
                new Shutdown(TpmSu.STATE),
                new FlushContext(0x80000009),
                new EvictControl(TpmRh.OWNER, AUTH, 0x80000001, 0x81000001),
                new NvSetBits(0x01500021, AUTH, 0x01500021, 0x8000000000000001L),
                new ClearControl(TpmRh.PLATFORM, AUTH, true),
                new SelfTest(true));
    }
}
