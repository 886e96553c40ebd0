package io.tpm4j.api.types;

import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every structure tpm4j both writes and reads survives the round trip: random valid values, written, read
 * back equal, with nothing left over and the same bytes when written again. Responses-only structures
 * (TPMS_ATTEST) are built byte by byte and must parse to their fields with the bytes kept exactly.
 */
class StructureRoundTripTest {

    private static final int ROUNDS = 500;
    private static final TpmAlg[] HASHES = {TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512};

    private final SplittableRandom random = new SplittableRandom(2026);

    private <T> void roundTrip(String name, Supplier<T> values, BiConsumer<T, TpmWriter> write,
                               Function<TpmReader, T> read) {
        for (int i = 0; i < ROUNDS; i++) {
            T value = values.get();
            TpmWriter out = new TpmWriter();
            write.accept(value, out);
            byte[] bytes = out.toByteArray();
            TpmReader in = new TpmReader(bytes);
            T back = read.apply(in);
            in.expectEnd(name);
            assertEquals(value, back, name);
            TpmWriter again = new TpmWriter();
            write.accept(back, again);
            assertArrayEquals(bytes, again.toByteArray(), name);
        }
    }

    @Test
    void tickets() {
        roundTrip("TPMT_TK_*", () -> new Ticket(0x8021 + random.nextInt(4), randomHandle(), bytes(0, 64)),
                Ticket::write, in -> Ticket.read(in, "ticket"));
    }

    @Test
    void schemes() {
        roundTrip("TPMT_*_SCHEME", this::scheme, Scheme::write, in -> Scheme.read(in, "scheme"));
    }

    @Test
    void symmetricDefinitions() {
        roundTrip("TPMT_SYM_DEF_OBJECT", this::symmetric, SymmetricDefinition::write, SymmetricDefinition::read);
    }

    @Test
    void pcrSelectionLists() {
        roundTrip("TPML_PCR_SELECTION", this::pcrSelections, (v, out) -> PcrSelection.writeList(out, v),
                PcrSelection::readList);
    }

    @Test
    void taggedDigests() {
        roundTrip("TPML_DIGEST_VALUES", () -> list(8, this::taggedDigest), (v, out) -> TaggedDigest.writeList(out, v),
                TaggedDigest::readList);
    }

    @Test
    void publicAreas() {
        roundTrip("TPM2B_PUBLIC", this::publicArea, PublicArea::writeSized, PublicArea::readSized);
    }

    @Test
    void nvPublics() {
        roundTrip("TPM2B_NV_PUBLIC", () -> new NvPublic(0x01000000 | random.nextInt(0x00FFFFFF), hash(),
                        new NvAttributes(random.nextInt()), bytes(0, 64), random.nextInt(2049)),
                NvPublic::writeSized, NvPublic::readSized);
    }

    @Test
    void savedContexts() {
        roundTrip("TPMS_CONTEXT", () -> new SavedContext(random.nextLong(), randomHandle(), randomHandle(),
                bytes(0, 2048)), SavedContext::write, SavedContext::read);
    }

    @Test
    void signatures() {
        roundTrip("TPMT_SIGNATURE", this::signature, Signature::write, Signature::read);
    }

    @Test
    void capabilityDataOfEveryKind() {
        roundTrip("TPMS_CAPABILITY_DATA", this::capabilityData, CapabilityData::write, CapabilityData::read);
    }

    /** TPM2B_SENSITIVE_CREATE is only ever sent, so its check is the exact bytes. */
    @Test
    void sensitiveCreateIsSizedTwice() {
        TpmWriter out = new TpmWriter();
        new SensitiveCreate("ab".getBytes(), "xyz".getBytes()).writeSized(out);
        assertArrayEquals(java.util.HexFormat.of().parseHex("0009" + "0002" + "6162" + "0003" + "78797a"),
                out.toByteArray());
    }

    @Test
    void attestationsParseToTheirFieldsAndKeepTheirBytes() {
        for (int i = 0; i < ROUNDS; i++) {
            byte[] signer = bytes(0, 34);
            byte[] extra = bytes(0, 64);
            long clock = random.nextLong();
            TpmWriter out = new TpmWriter().u32(Attest.TPM_GENERATED);
            int kind = random.nextInt(4);
            int type = new int[] {Attest.ST_ATTEST_QUOTE, Attest.ST_ATTEST_CERTIFY, Attest.ST_ATTEST_SESSION_AUDIT,
                    Attest.ST_ATTEST_TIME}[kind];
            out.u16(type).tpm2b(signer).tpm2b(extra).u64(clock).u32(7).u32(9).u8(1).u64(42);
            List<PcrSelection> pcrs = pcrSelections();
            byte[] digest = bytes(32, 32);
            switch (kind) {
                case 0 -> {
                    PcrSelection.writeList(out, pcrs);
                    out.tpm2b(digest);
                }
                case 1 -> out.tpm2b(signer).tpm2b(extra);
                case 2 -> out.u8(1).tpm2b(digest);
                default -> out.u64(123).u64(clock).u32(7).u32(9).u8(1).u64(42);
            }
            byte[] bytes = out.toByteArray();
            Attest attest = Attest.parse(bytes);
            assertArrayEquals(bytes, attest.bytes());
            assertEquals(type, attest.type());
            assertArrayEquals(signer, attest.qualifiedSigner());
            assertArrayEquals(extra, attest.extraData());
            assertEquals(clock, attest.clock());
            switch (attest.attested()) {
                case Attest.Quote q -> {
                    assertEquals(pcrs, q.pcrSelect());
                    assertArrayEquals(digest, q.pcrDigest());
                }
                case Attest.Certify c -> {
                    assertArrayEquals(signer, c.name());
                    assertArrayEquals(extra, c.qualifiedName());
                }
                case Attest.SessionAudit a -> {
                    assertEquals(true, a.exclusiveSession());
                    assertArrayEquals(digest, a.sessionDigest());
                }
                case Attest.Time t -> assertEquals(new Attest.Time(123, clock, 7, 9, true, 42), t);
                default -> throw new AssertionError("parsed as " + attest.attested());
            }
            SignedAttest signed = new SignedAttest(attest, signature());
            TpmWriter written = new TpmWriter();
            signed.write(written);
            TpmReader in = new TpmReader(written.toByteArray());
            SignedAttest back = SignedAttest.read(in, "attest");
            in.expectEnd("signed attest");
            assertEquals(signed, back);
        }
    }

    // Random valid values.

    private int randomHandle() {
        return random.nextInt();
    }

    private byte[] bytes(int min, int max) {
        byte[] out = new byte[min + random.nextInt(max - min + 1)];
        random.nextBytes(out);
        return out;
    }

    private <T> List<T> list(int max, Supplier<T> element) {
        List<T> out = new ArrayList<>();
        for (int i = random.nextInt(max + 1); i > 0; i--) {
            out.add(element.get());
        }
        return out;
    }

    private TpmAlg hash() {
        return HASHES[random.nextInt(HASHES.length)];
    }

    private Scheme scheme() {
        TpmAlg[] withHash = {TpmAlg.RSASSA, TpmAlg.RSAPSS, TpmAlg.OAEP, TpmAlg.ECDSA, TpmAlg.ECSCHNORR, TpmAlg.SM2,
                TpmAlg.HMAC, TpmAlg.KDF1_SP800_108, TpmAlg.MGF1};
        return switch (random.nextInt(5)) {
            case 0 -> Scheme.NULL;
            case 1 -> new Scheme(TpmAlg.RSAES.value(), 0, 0);
            case 2 -> new Scheme(TpmAlg.ECDAA.value(), hash().value(), random.nextInt(0x10000));
            case 3 -> new Scheme(TpmAlg.XOR.value(), hash().value(), TpmAlg.KDF1_SP800_108.value());
            default -> Scheme.of(withHash[random.nextInt(withHash.length)], hash());
        };
    }

    private SymmetricDefinition symmetric() {
        return random.nextInt(3) == 0 ? SymmetricDefinition.NULL : new SymmetricDefinition(TpmAlg.AES.value(),
                new int[] {128, 192, 256}[random.nextInt(3)], TpmAlg.CFB.value());
    }

    private List<PcrSelection> pcrSelections() {
        return list(4, () -> {
            int size = random.nextInt(5);
            BitSet pcrs = new BitSet();
            for (int i = 0; i < size * 8; i++) {
                pcrs.set(i, random.nextBoolean());
            }
            return new PcrSelection(hash().value(), pcrs, size);
        });
    }

    private TaggedDigest taggedDigest() {
        TpmAlg alg = hash();
        byte[] digest = new byte[alg.digestSize().getAsInt()];
        random.nextBytes(digest);
        return new TaggedDigest(alg, digest);
    }

    private PublicArea publicArea() {
        ObjectAttributes attributes = new ObjectAttributes(random.nextInt());
        return switch (random.nextInt(4)) {
            case 0 -> new PublicArea(hash(), attributes, bytes(0, 64), new PublicParameters.Rsa(symmetric(), scheme(),
                    new int[] {1024, 2048, 3072, 4096}[random.nextInt(4)], random.nextBoolean() ? 0 : 65537),
                    new PublicId.Rsa(bytes(0, 512)));
            case 1 -> new PublicArea(hash(), attributes, bytes(0, 64), new PublicParameters.Ecc(symmetric(), scheme(),
                    1 + random.nextInt(4), scheme()), new PublicId.Ecc(bytes(0, 66), bytes(0, 66)));
            case 2 -> new PublicArea(hash(), attributes, bytes(0, 64), new PublicParameters.KeyedHash(scheme()),
                    new PublicId.Digest(bytes(0, 64)));
            default -> new PublicArea(hash(), attributes, bytes(0, 64), new PublicParameters.SymCipher(symmetric()),
                    new PublicId.Digest(bytes(0, 64)));
        };
    }

    private Signature signature() {
        TpmAlg[] ecc = {TpmAlg.ECDSA, TpmAlg.ECDAA, TpmAlg.SM2, TpmAlg.ECSCHNORR};
        return switch (random.nextInt(4)) {
            case 0 -> new Signature.Rsa(random.nextBoolean() ? TpmAlg.RSASSA.value() : TpmAlg.RSAPSS.value(),
                    hash().value(), bytes(0, 512));
            case 1 -> new Signature.Ecc(ecc[random.nextInt(ecc.length)].value(), hash().value(), bytes(0, 66),
                    bytes(0, 66));
            case 2 -> new Signature.Hmac(taggedDigest());
            default -> new Signature.Null();
        };
    }

    private CapabilityData capabilityData() {
        return switch (random.nextInt(11)) {
            case 0 -> new CapabilityData.Algorithms(list(8, () -> new AlgorithmProperty(random.nextInt(0x10000),
                    random.nextInt())));
            case 1 -> new CapabilityData.Handles(list(8, random::nextInt));
            case 2 -> new CapabilityData.Commands(list(8, () -> new CommandAttributes(random.nextInt())));
            case 3 -> new CapabilityData.CommandCodes(random.nextBoolean() ? TpmCap.PP_COMMANDS : TpmCap.AUDIT_COMMANDS,
                    list(8, random::nextInt));
            case 4 -> new CapabilityData.Pcrs(pcrSelections());
            case 5 -> new CapabilityData.Properties(list(8, () -> new TaggedProperty(random.nextInt(), random.nextInt())));
            case 6 -> new CapabilityData.PcrProperties(list(8, () -> {
                PcrSelection s = pcrSelections().stream().findFirst().orElse(PcrSelection.of(TpmAlg.SHA256, 0));
                return new TaggedPcrSelect(random.nextInt(0x20), s.pcrs(), s.sizeOfSelect());
            }));
            case 7 -> new CapabilityData.EccCurves(list(8, () -> random.nextInt(0x10000)));
            case 8 -> new CapabilityData.AuthPolicies(list(4, () -> {
                int handle = 0x40000000 | random.nextInt(0x100);
                if (random.nextInt(3) == 0) {
                    // A hierarchy without a policy: TPM_ALG_NULL and no digest.
                    return new TaggedPolicy(handle, TpmAlg.NULL.value(), new byte[0]);
                }
                TaggedDigest d = taggedDigest();
                return new TaggedPolicy(handle, d.hashAlg().value(), d.digest());
            }));
            case 9 -> new CapabilityData.Acts(list(4, () -> new ActData(0x40000110 + random.nextInt(16),
                    random.nextInt(), random.nextInt(4))));
            default -> new CapabilityData.VendorProperties(list(8, random::nextInt));
        };
    }
}
