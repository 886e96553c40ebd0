package io.tpm4j.jca.keyfile;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.Import;
import io.tpm4j.api.commands.Unseal;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;

import java.util.Objects;

/**
 * Puts a {@link TssPrivateKey} into a TPM as tpm2-openssl, tpm2-tss-engine and tpm2-pytss do. A permanent parent
 * handle (the owner, endorsement, platform or null hierarchy) means the primary key made in that hierarchy from the
 * format's own template ({@link #eccParentTemplate()}; {@link #rsaParentTemplate()} when the file says rsaParent); a
 * persistent handle means that key, used as it is. Loadable keys get TPM2_Load; importable keys TPM2_Import, then
 * TPM2_Load; sealed objects TPM2_Load, and {@link #unseal} reads them.
 *
 * <p>Hierarchy and parent authorisations are empty passwords, as the tools assume by default. The key's own
 * password is the caller's to give when it uses the key ({@link TssPrivateKey#emptyAuth()} says whether there is
 * one). Policies in the file are carried, not run: a key whose public area asks for a policy needs the caller to
 * satisfy it.
 */
public final class TssKeyLoader {

    private static final int STORAGE_PRIMARY = ObjectAttributes.FIXED_TPM | ObjectAttributes.FIXED_PARENT
            | ObjectAttributes.SENSITIVE_DATA_ORIGIN | ObjectAttributes.USER_WITH_AUTH | ObjectAttributes.NO_DA
            | ObjectAttributes.RESTRICTED | ObjectAttributes.DECRYPT;

    private TssKeyLoader() {
    }

    /**
     * The ECC primary the key file tools create under a permanent parent: the TCG SRK attributes, SHA-256, AES-128-CFB,
     * NIST P-256, no scheme, no KDF, and an <em>empty</em> unique. {@link Templates#srkEccP256()} differs in one field
     * (its unique is 32 zero bytes for x and for y), which makes it a different key: files made by the tools do not
     * load under it.
     */
    public static PublicArea eccParentTemplate() {
        return new PublicArea(TpmAlg.SHA256, new ObjectAttributes(STORAGE_PRIMARY), new byte[0],
                new PublicParameters.Ecc(SymmetricDefinition.AES_128_CFB, Scheme.NULL, Templates.ECC_NIST_P256,
                        Scheme.NULL), new PublicId.Ecc(new byte[0], new byte[0]));
    }

    /** The RSA-2048 primary of the same tools (rsaParent, or a TPM without ECC): empty unique, exponent 0. */
    public static PublicArea rsaParentTemplate() {
        return new PublicArea(TpmAlg.SHA256, new ObjectAttributes(STORAGE_PRIMARY), new byte[0],
                new PublicParameters.Rsa(SymmetricDefinition.AES_128_CFB, Scheme.NULL, 2048, 0),
                new PublicId.Rsa(new byte[0]));
    }

    /**
     * Creates the primary parent of keys whose file names the permanent {@code hierarchy}, once, so that a caller can
     * load many keys under it; close it to flush it.
     */
    public static TpmObject createParent(Tpm tpm, int hierarchy, boolean rsa) {
        if (hierarchy >>> 24 != 0x40) {
            throw new IllegalArgumentException(String.format("0x%08x is not a permanent handle", hierarchy));
        }
        return tpm.createPrimary(hierarchy, rsa ? rsaParentTemplate() : eccParentTemplate());
    }

    /** {@link #createParent(Tpm, int, boolean)} for the parent {@code key} names, which must be a permanent handle. */
    public static TpmObject createParent(Tpm tpm, TssPrivateKey key) {
        if (!key.hasPermanentParent()) {
            throw new IllegalArgumentException(String.format("the key's parent 0x%08x is not a permanent handle; "
                    + "it is loaded in the TPM already", key.parent()));
        }
        return createParent(tpm, key.parent(), key.rsaParent());
    }

    /**
     * Loads {@code key} under {@code parent}, which the caller has loaded (e.g. from {@link #createParent} once for
     * many keys); close the result to flush it.
     */
    public static TpmObject load(Tpm tpm, TssPrivateKey key, TpmObject parent) {
        Objects.requireNonNull(parent, "parent");
        return load(tpm, key, parent.handle());
    }

    /**
     * Loads {@code key} under the parent its file names: a primary made for the purpose (and flushed again) for a
     * permanent handle, else the persistent key at that handle. Close the result to flush it.
     */
    public static TpmObject load(Tpm tpm, TssPrivateKey key) {
        if (key.hasPermanentParent()) {
            try (TpmObject parent = createParent(tpm, key)) {
                return load(tpm, key, parent.handle());
            }
        }
        return load(tpm, key, key.parent());
    }

    private static TpmObject load(Tpm tpm, TssPrivateKey key, int parentHandle) {
        byte[] privateArea = key.type() == TssPrivateKey.Type.IMPORTABLE ? imported(tpm, key, parentHandle)
                : key.privateArea();
        return tpm.load(parentHandle, Authorization.emptyPassword(), privateArea, key.publicArea());
    }

    /**
     * TPM2_Import of an importable key under {@code parent}: the same key as a loadable one, which can be saved and
     * loaded from then on without the import.
     */
    public static TssPrivateKey importToLoadable(Tpm tpm, TssPrivateKey key, TpmObject parent) {
        byte[] loadable = imported(tpm, key, parent.handle());
        return new TssPrivateKey(TssPrivateKey.Type.LOADABLE, key.emptyAuth(), key.policy(), new byte[0],
                key.authPolicy(), key.description(), key.rsaParent(), key.parent(), key.publicArea(), loadable);
    }

    /**
     * TPM2_Import of an importable key under the loaded parent at {@code parentHandle} (empty password): the private
     * blob TPM2_Load takes from then on. The draft's importable keys have no inner wrapper: no encryption key,
     * symmetric algorithm NULL.
     */
    public static byte[] imported(Tpm tpm, TssPrivateKey key, int parentHandle) {
        if (key.type() != TssPrivateKey.Type.IMPORTABLE) {
            throw new IllegalArgumentException("not an importable key: " + key.type());
        }
        return tpm.execute(new Import(parentHandle, Authorization.emptyPassword(), new byte[0], key.publicArea(),
                key.privateArea(), key.secret(), SymmetricDefinition.NULL)).outPrivate();
    }

    /**
     * TPM2_Unseal of a loaded sealed object that takes its {@code authValue} (userWithAuth), in an HMAC session salted
     * to {@code saltKey} (its parent, say) whose response is encrypted: the data does not cross the bus in clear.
     */
    public static byte[] unseal(Tpm tpm, TpmObject sealed, TpmObject saltKey, byte[] authValue) {
        try (AuthSession session = tpm.startSession(Session.hmac(TpmAlg.SHA256)
                .salted(saltKey.handle(), saltKey.publicArea()).encryptingResponses())) {
            return tpm.execute(new Unseal(sealed.handle(), Authorization.session(session, authValue))).outData();
        }
    }
}
