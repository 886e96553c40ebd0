package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.ActivateCredential;
import io.tpm4j.api.commands.Commit;
import io.tpm4j.api.commands.ContextLoad;
import io.tpm4j.api.commands.ContextSave;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.CreateLoaded;
import io.tpm4j.api.commands.Duplicate;
import io.tpm4j.api.commands.EcEphemeral;
import io.tpm4j.api.commands.EcdhKeyGen;
import io.tpm4j.api.commands.EcdhZGen;
import io.tpm4j.api.commands.EncryptDecrypt;
import io.tpm4j.api.commands.EncryptDecrypt2;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.Hmac;
import io.tpm4j.api.commands.HmacStart;
import io.tpm4j.api.commands.Import;
import io.tpm4j.api.commands.Load;
import io.tpm4j.api.commands.MakeCredential;
import io.tpm4j.api.commands.ObjectChangeAuth;
import io.tpm4j.api.commands.PolicyCommandCode;
import io.tpm4j.api.commands.Rewrap;
import io.tpm4j.api.commands.RsaDecrypt;
import io.tpm4j.api.commands.RsaEncrypt;
import io.tpm4j.api.commands.SequenceComplete;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.commands.Unseal;
import io.tpm4j.api.commands.VerifySignature;
import io.tpm4j.api.commands.ZGen2Phase;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRh;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import static io.tpm4j.api.types.TpmCc.*;
import static io.tpm4j.testhw.suite.ExerciseSupport.EMPTY;
import static io.tpm4j.testhw.suite.ExerciseSupport.eccParameters;
import static io.tpm4j.testhw.suite.ExerciseSupport.flushIfLoaded;
import static io.tpm4j.testhw.suite.ExerciseSupport.nullPrimary;
import static io.tpm4j.testhw.suite.ExerciseSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exercises of keys, all in the NULL hierarchy (no authorisation, nothing kept): creating, loading,
 * saving and signing; sealing and a new object password; RSA, AES and HMAC; ECDH and two-phase key exchange;
 * an ECDAA commitment; credential activation; duplication. Never more than three objects loaded at once.
 */
final class KeyExercises {

    /** TPM_ECC_BN_P256, ECDAA's curve. */
    private static final int ECC_BN_P256 = 0x0010;

    /** Whether the TPM has a command: an exercise skips the optional steps whose commands it lacks. */
    private final Predicate<TpmCc> has;

    KeyExercises(Predicate<TpmCc> advertised) {
        this.has = advertised;
    }

    void keys(Tpm tpm) {
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
            if (has.test(CREATE_LOADED)) {
                int created = tpm.execute(new CreateLoaded(primary.handle(), EMPTY, SensitiveCreate.EMPTY,
                        Templates.eccSigningKey())).objectHandle();
                tpm.execute(new FlushContext(created));
            }
        }
    }

    static void sealing(Tpm tpm) {
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

    void ciphers(Tpm tpm) {
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
                byte[] encrypted = has.test(ENCRYPT_DECRYPT_2)
                        ? tpm.execute(new EncryptDecrypt2(aes.handle(), EMPTY, message, false, keysMode, iv)).outData()
                        : tpm.execute(new EncryptDecrypt(aes.handle(), EMPTY, false, keysMode, iv, message)).outData();
                byte[] decrypted = has.test(ENCRYPT_DECRYPT)
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

    void keyExchange(Tpm tpm) {
        PublicArea template = new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.FIXED_TPM,
                ObjectAttributes.FIXED_PARENT, ObjectAttributes.SENSITIVE_DATA_ORIGIN, ObjectAttributes.USER_WITH_AUTH,
                ObjectAttributes.DECRYPT), new byte[0], eccParameters(Scheme.of(TpmAlg.ECDH, TpmAlg.SHA256),
                Templates.ECC_NIST_P256), new PublicId.Ecc(new byte[0], new byte[0]));
        try (TpmObject primary = nullPrimary(tpm); TpmObject key = tpm.load(primary, tpm.create(primary, template))) {
            EcdhKeyGen.Response generated = tpm.execute(new EcdhKeyGen(key.handle()));
            assertEquals(generated.zPoint(), tpm.execute(new EcdhZGen(key.handle(), EMPTY, generated.pubPoint())).outPoint());
            if (has.test(EC_EPHEMERAL) && has.test(ZGEN_2PHASE)) {
                // The other party's static key is this key itself, its ephemeral one the point ECDH_KeyGen made.
                PublicId.Ecc own = (PublicId.Ecc) key.publicArea().unique();
                EcEphemeral.Response ephemeral = tpm.execute(new EcEphemeral(Templates.ECC_NIST_P256));
                ZGen2Phase.Response z = tpm.execute(new ZGen2Phase(key.handle(), EMPTY, own, generated.pubPoint(),
                        TpmAlg.ECDH.value(), ephemeral.counter()));
                assertEquals(tpm.execute(new EcdhZGen(key.handle(), EMPTY, own)).outPoint(), z.outZ1());
            }
        }
    }

    static void commit(Tpm tpm) {
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

    static void credential(Tpm tpm) {
        byte[] credential = "a secret for the attestation key".getBytes(StandardCharsets.UTF_8);
        // The NULL hierarchy's storage key stands in for an EK: it decrypts the credential's seed.
        try (TpmObject ek = nullPrimary(tpm); TpmObject ak = tpm.load(ek, tpm.create(ek, Templates.eccAttestationKey()))) {
            MakeCredential.Response made = tpm.execute(new MakeCredential(ek.handle(), credential, ak.name()));
            assertArrayEquals(credential, tpm.execute(new ActivateCredential(ak.handle(), EMPTY, ek.handle(), EMPTY,
                    made.credentialBlob(), made.secret())).certInfo());
        }
    }

    static void duplication(Tpm tpm) {
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
}
