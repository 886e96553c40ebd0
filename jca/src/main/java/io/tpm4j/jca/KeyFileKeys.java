package io.tpm4j.jca;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.jca.KeyStoreAlias.KeyFile;
import io.tpm4j.jca.keyfile.KeyFileException;
import io.tpm4j.jca.keyfile.TssKeyLoader;
import io.tpm4j.jca.keyfile.TssPrivateKey;

import java.io.IOException;
import java.nio.file.Files;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The key of a {@code file:} alias: a TSS2 PRIVATE KEY file read and checked, made a key of the provider. Loadable
 * keys are used as they are; importable keys are imported under their parent once per provider
 * ({@link ImportedKeys}); a key file's policy is replayed before each use ({@link KeyFilePolicy}). Sealed data
 * objects and signed policies (authPolicy) are refused.
 */
final class KeyFileKeys {

    private KeyFileKeys() {
    }

    /**
     * The key in {@code f}, or null if there is no such file.
     *
     * @throws UnrecoverableKeyException naming the file and what is wrong: unreadable, of a type or with a policy the
     *                                   key store cannot use, a password missing, or an import the TPM refused (with its
     *                                   response code)
     */
    static TpmKey read(Tpm4jProvider provider, KeyFile f, char[] password) throws UnrecoverableKeyException {
        if (!Files.isRegularFile(f.path())) {
            return null;
        }
        TssPrivateKey file;
        try {
            file = TssPrivateKey.read(f.path());
        } catch (IOException | KeyFileException e) {
            throw unrecoverable(f + ": " + e.getMessage(), e);
        }
        if (file.type() == TssPrivateKey.Type.SEALED) {
            throw new UnrecoverableKeyException(f + ": a sealed data object, not a key (TssKeyLoader.unseal reads it)");
        }
        if (!file.authPolicy().isEmpty()) {
            throw new UnrecoverableKeyException(f + ": the key has signed policies (authPolicy, for TPM2_PolicyAuthorize), "
                    + "which the key store does not replay");
        }
        KeyFilePolicy policy = policyOf(f, file);
        boolean needsPassword = !file.emptyAuth() && (policy == null || policy.needsPassword());
        if (needsPassword && (password == null || password.length == 0)) {
            throw new UnrecoverableKeyException(f + ": the key has a password (emptyAuth is not TRUE"
                    + (policy == null ? "" : " and its policy asks for it") + "); pass it to getKey");
        }
        TpmParent parent = parentOf(file);
        try {
            byte[] blob = file.type() == TssPrivateKey.Type.IMPORTABLE
                    ? provider.importedKeys().loadableBlob(file, parent) : file.privateArea();
            return provider.loadableKey(file.publicArea(), blob, parent, needsPassword ? password : null, policy);
        } catch (TpmResponseException e) {
            throw unrecoverable(f + String.format(": importing the key under its parent 0x%08x failed: ", file.parent())
                    + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw unrecoverable(f + ": " + e.getMessage(), e);
        }
    }

    /**
     * The file's policy as the provider replays it, or null when the key is used with its password: when the file has
     * none, or when the key's userWithAuth lets its password sign and decrypt anyway (its policy is then an
     * alternative, e.g. one only for TPM2_Duplicate, and replaying it before TPM2_Sign would fail). A policy whose
     * statements do not make the key's authPolicy is refused here, not at each use.
     */
    private static KeyFilePolicy policyOf(KeyFile f, TssPrivateKey file) throws UnrecoverableKeyException {
        PublicArea key = file.publicArea();
        boolean passwordWorks = key.attributes().has(ObjectAttributes.USER_WITH_AUTH);
        if (file.policy().isEmpty()) {
            if (key.authPolicy().length > 0 && !passwordWorks) {
                throw new UnrecoverableKeyException(f + ": the key is usable only through a policy (authPolicy set, "
                        + "userWithAuth clear) and the file holds none");
            }
            return null;
        }
        try {
            KeyFilePolicy policy = KeyFilePolicy.of(file.policy());
            byte[] made = policy.digest(key.nameAlg()).digest();
            if (!Arrays.equals(made, key.authPolicy())) {
                throw new UnrecoverableKeyException(f + ": its policy statements " + policy + " make the policy digest "
                        + HexFormat.of().formatHex(made) + ", and the key's authPolicy is "
                        + HexFormat.of().formatHex(key.authPolicy()) + ": the key could never be used through them");
            }
            return passwordWorks ? null : policy;
        } catch (IllegalArgumentException | TpmProtocolException e) {
            throw unrecoverable(f + ": " + e.getMessage(), e);
        }
    }

    /** The parent a file names: the format's primary for a permanent handle (made once per provider), else that key. */
    private static TpmParent parentOf(TssPrivateKey file) {
        if (file.hasPermanentParent()) {
            return TpmParent.primary(file.parent(), file.rsaParent() ? TssKeyLoader.rsaParentTemplate()
                    : TssKeyLoader.eccParentTemplate());
        }
        return TpmParent.persistent(file.parent());
    }

    static UnrecoverableKeyException unrecoverable(String message, Exception cause) {
        UnrecoverableKeyException e = new UnrecoverableKeyException(message);
        e.initCause(Objects.requireNonNull(cause));
        return e;
    }
}
