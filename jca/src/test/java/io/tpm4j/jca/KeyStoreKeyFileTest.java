package io.tpm4j.jca;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.PcrReset;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.jca.keyfile.ImportableKeyFiles;
import io.tpm4j.jca.keyfile.TssKeyLoader;
import io.tpm4j.jca.keyfile.TssPrivateKey;
import io.tpm4j.rm.Space;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.UnrecoverableKeyException;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code file:} aliases of the {@code TPM} key store holding importable keys (imported once per provider) and keys
 * with a policy (replayed on the provider's policy session before each use), on swtpm. The fixtures are made by the
 * TPM itself in a space of their own: TPM2_Duplicate for the importable key, TPM2_Create with a policy digest for the
 * others.
 */
class KeyStoreKeyFileTest extends WithProvider {

    private static final byte[] MESSAGE = "a key from a key file".getBytes(StandardCharsets.UTF_8);
    private static final int PCR = 16;   // the debug PCR, resettable at locality 0

    @TempDir
    Path dir;

    @AfterEach
    void resetPcr() {
        raw.execute(new PcrReset(PCR, Authorization.emptyPassword()));
    }

    private KeyStore store() throws Exception {
        KeyStore ks = KeyStore.getInstance("TPM", provider);
        ks.load(null, null);
        return ks;
    }

    private String write(String name, TssPrivateKey file) throws Exception {
        Path path = dir.resolve(name);
        file.write(path);
        return "file:" + path;
    }

    private byte[] sign(Key key) throws Exception {
        return signEcdsa((PrivateKey) key, MESSAGE);
    }

    private static boolean verifies(PublicKey publicKey, byte[] signature) throws Exception {
        return jdkVerifiesEcdsa(publicKey, MESSAGE, signature);
    }

    /** An importable file for the format's owner primary, from a key made under another primary and duplicated. */
    private TssPrivateKey importableFile() {
        try (Space space = rm.openSpace("duplicator"); Tpm tpm = Tpm.on(space);
             TpmObject source = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
             TpmObject newParent = TssKeyLoader.createParent(tpm, TpmRh.OWNER, false)) {
            return ImportableKeyFiles.duplicated(tpm, source, newParent, TpmRh.OWNER);
        }
    }

    @Test
    void anImportableKeyFileIsImportedOncePerProviderAndSigns() throws Exception {
        TssPrivateKey file = importableFile();
        String alias = write("importable.pem", file);
        atTpm.reset();
        TpmEcKey first = (TpmEcKey) store().getKey(alias, null);
        assertTrue(verifies(first.publicKey(), sign(first)), "the JDK verifies with the key's public half");
        assertTrue(verifies(first.publicKey(), sign(first)));
        TpmEcKey again = (TpmEcKey) store().getKey(alias, null);   // another store of the same provider
        assertTrue(verifies(again.publicKey(), sign(again)));
        assertEquals(1L, atTpm.byCode().get("TPM2_Import"), "imported once: " + atTpm.byCode());
        assertEquals(1L, atTpm.byCode().get("TPM2_Load"), "the imported blob loaded once: " + atTpm.byCode());

        // What the import made is an ordinary loadable key, which the store writes as such.
        String loadable = "file:" + dir.resolve("loadable.pem");
        store().setEntry(loadable, TpmKeyEntry.withoutChain(first), null);
        assertEquals(TssPrivateKey.Type.LOADABLE, TssPrivateKey.read(dir.resolve("loadable.pem")).type());
        assertTrue(verifies(first.publicKey(), sign(store().getKey(loadable, null))));
    }

    @Test
    void aTamperedImportableKeyFileIsRefusedNamingTheTpmResponse() throws Exception {
        TssPrivateKey file = importableFile();
        TssPrivateKey badSeed = TssPrivateKey.importable(file.parent(), file.publicArea(), file.privateArea(),
                flipped(file.secret(), 12), true);
        TssPrivateKey badDuplicate = TssPrivateKey.importable(file.parent(), file.publicArea(),
                flipped(file.privateArea(), file.privateArea().length - 3), file.secret(), true);
        for (TssPrivateKey bad : List.of(badSeed, badDuplicate)) {
            String alias = write("bad" + bad.hashCode() + ".pem", bad);
            UnrecoverableKeyException e = assertThrows(UnrecoverableKeyException.class,
                    () -> store().getKey(alias, null));
            assertTrue(e.getMessage().contains("TPM2_Import") && e.getMessage().contains("TPM_RC_"), e.getMessage());
            assertTrue(e.getMessage().contains(alias), e.getMessage());
        }
    }

    private static byte[] flipped(byte[] bytes, int at) {
        byte[] out = bytes.clone();
        out[at] ^= 0x40;
        return out;
    }

    /** The SHA-256 of PCR 16's current SHA-256 value: PolicyPCR's pcrDigest for that one PCR. */
    private byte[] pcrDigestNow() throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(raw.pcrValues(TpmAlg.SHA256, PCR).get(PCR));
    }

    /** An EC key usable only through {@code policy} (userWithAuth clear), with {@code password}, as a loadable file. */
    private TssPrivateKey keyWithPolicy(byte[] policy, byte[] password) {
        return keyWithPolicy(policy, password, false);
    }

    /** An EC key with {@code policy} and {@code password}; with userWithAuth its password works without the policy. */
    private TssPrivateKey keyWithPolicy(byte[] policy, byte[] password, boolean userWithAuth) {
        PublicArea t = Templates.eccSigningKey();
        PublicArea template = new PublicArea(t.nameAlg(), new ObjectAttributes(userWithAuth ? t.attributes().raw()
                : t.attributes().raw() & ~ObjectAttributes.USER_WITH_AUTH), policy, t.parameters(), t.unique());
        try (Space space = rm.openSpace("creator"); Tpm tpm = Tpm.on(space);
             TpmObject parent = TssKeyLoader.createParent(tpm, TpmRh.OWNER, false)) {
            Create.Response created = tpm.create(parent, template, new SensitiveCreate(password, new byte[0]));
            return TssPrivateKey.loadable(TpmRh.OWNER, created.outPublic(), created.outPrivate(), password.length == 0);
        }
    }

    private static TssPrivateKey.TpmPolicy step(TpmCc code, UnaryOperator<TpmWriter> parameters) {
        return new TssPrivateKey.TpmPolicy(code.value(), parameters.apply(new TpmWriter()).toByteArray());
    }

    @Test
    void aKeyFileWithAPcrAndAuthValuePolicySignsUntilThePcrChanges() throws Exception {
        byte[] pcrDigest = pcrDigestNow();
        List<PcrSelection> pcr16 = List.of(PcrSelection.of(TpmAlg.SHA256, PCR));
        byte[] policy = PolicyDigest.start(TpmAlg.SHA256).pcrDigest(pcr16, pcrDigest).authValue().digest();
        char[] password = "policy and password".toCharArray();
        TssPrivateKey key = keyWithPolicy(policy, new String(password).getBytes(StandardCharsets.UTF_8));
        TssPrivateKey.TpmPolicy authValue = step(TpmCc.POLICY_AUTH_VALUE, w -> w);
        // The draft's order (the command body: pcrDigest, then pcrs) and openssl_tpm2_engine's (pcrs, then the digest).
        String tpmOrder = write("pcr.pem", key.withPolicy(List.of(step(TpmCc.POLICY_PCR, w -> {
            w.tpm2b(pcrDigest);
            PcrSelection.writeList(w, pcr16);
            return w;
        }), authValue)));
        String engineOrder = write("pcr-engine.pem", key.withPolicy(List.of(step(TpmCc.POLICY_PCR, w -> {
            PcrSelection.writeList(w, pcr16);
            return w.bytes(pcrDigest);
        }), authValue)));

        KeyStore ks = store();
        UnrecoverableKeyException noPassword = assertThrows(UnrecoverableKeyException.class,
                () -> ks.getKey(tpmOrder, null));
        assertTrue(noPassword.getMessage().contains("password"), noPassword.getMessage());
        TpmEcKey signer = (TpmEcKey) ks.getKey(tpmOrder, password);
        assertTrue(verifies(signer.publicKey(), sign(signer)), "signs with the PCR as it was and the right password");
        assertTrue(verifies(signer.publicKey(), sign(ks.getKey(engineOrder, password))));
        SignatureException wrongPassword = assertThrows(SignatureException.class,
                () -> sign(ks.getKey(tpmOrder, "not it".toCharArray())));
        assertTrue(wrongPassword.getMessage().contains("TPM_RC_AUTH_FAIL"), wrongPassword.getMessage());
        // Written to another file, the key keeps the file's policy statements
        String copy = "file:" + dir.resolve("copy.pem");
        ks.setEntry(copy, TpmKeyEntry.withoutChain(signer), new KeyStore.PasswordProtection(password));
        assertEquals(2, TssPrivateKey.read(dir.resolve("copy.pem")).policy().size());
        assertTrue(verifies(signer.publicKey(), sign(store().getKey(copy, password))));

        raw.pcrExtend(PCR, new TaggedDigest(TpmAlg.SHA256, new byte[32]));
        SignatureException changed = assertThrows(SignatureException.class, () -> sign(signer));
        assertTrue(changed.getMessage().contains("PolicyPCR") && changed.getMessage().contains("TPM_RC_VALUE"),
                changed.getMessage());
    }

    @Test
    void aKeyFileWhosePolicyCannotBeReplayedIsRefusedSayingWhy() throws Exception {
        byte[] policy = PolicyDigest.start(TpmAlg.SHA256).signed(new byte[34], new byte[0]).digest();
        TssPrivateKey key = keyWithPolicy(policy, new byte[0]);
        String alias = write("signed.pem", key.withPolicy(List.of(step(TpmCc.POLICY_SIGNED, w -> w.u32(0)))));
        UnrecoverableKeyException e = assertThrows(UnrecoverableKeyException.class, () -> store().getKey(alias, null));
        assertTrue(e.getMessage().contains("PolicySigned") && e.getMessage().contains("cannot be replayed"),
                e.getMessage());

        String malformed = write("short.pem", key.withPolicy(List.of(step(TpmCc.POLICY_COMMAND_CODE, w -> w.u16(1)))));
        UnrecoverableKeyException bad = assertThrows(UnrecoverableKeyException.class,
                () -> store().getKey(malformed, null));
        assertTrue(bad.getMessage().contains("PolicyCommandCode") && bad.getMessage().contains("malformed"),
                bad.getMessage());

        // Statements that replay, but make another digest than the key's: the key could never be used through them
        String other = write("other.pem", key.withPolicy(List.of(step(TpmCc.POLICY_COMMAND_CODE,
                w -> w.u32(TpmCc.SIGN.value())))));
        UnrecoverableKeyException mismatch = assertThrows(UnrecoverableKeyException.class,
                () -> store().getKey(other, null));
        assertTrue(mismatch.getMessage().contains("authPolicy") && mismatch.getMessage().contains("could never be used"),
                mismatch.getMessage());

        // A command code no TPM knows: its digest cannot be computed, so the file is refused when read
        String unknown = write("unknown.pem", key.withPolicy(List.of(step(TpmCc.POLICY_COMMAND_CODE,
                w -> w.u32(0x7fff1234)))));
        UnrecoverableKeyException strange = assertThrows(UnrecoverableKeyException.class,
                () -> store().getKey(unknown, null));
        assertTrue(strange.getMessage().contains("unknown command code 0x7fff1234"), strange.getMessage());

        String withoutPolicy = write("none.pem", key);   // the key needs its policy, and the file does not say which
        UnrecoverableKeyException none = assertThrows(UnrecoverableKeyException.class,
                () -> store().getKey(withoutPolicy, null));
        assertTrue(none.getMessage().contains("only through a policy"), none.getMessage());
    }

    @Test
    void aPasswordKeyWhosePolicyIsOnlyForDuplicationSignsWithItsPassword() throws Exception {
        // userWithAuth set: the password signs; the policy (PolicyCommandCode(Duplicate)) only allows duplication,
        // and replaying it before TPM2_Sign would make the TPM refuse the signature.
        byte[] mayDuplicate = PolicyDigest.start(TpmAlg.SHA256).commandCode(TpmCc.DUPLICATE).digest();
        char[] password = "movable".toCharArray();
        TssPrivateKey key = keyWithPolicy(mayDuplicate, new String(password).getBytes(StandardCharsets.UTF_8), true);
        String alias = write("duplicable.pem", key.withPolicy(List.of(step(TpmCc.POLICY_COMMAND_CODE,
                w -> w.u32(TpmCc.DUPLICATE.value())))));
        TpmEcKey signer = (TpmEcKey) store().getKey(alias, password);
        assertTrue(verifies(signer.publicKey(), sign(signer)), "signed with the password, the policy not replayed");
        assertTrue(signer.policy().isEmpty(), "no policy to run before each use");
    }
}
