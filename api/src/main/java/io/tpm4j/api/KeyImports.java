package io.tpm4j.api;

import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.LoadExternal;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.keys.ImportBlob;
import io.tpm4j.api.keys.SoftwareKey;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmRh;

import java.util.Objects;
import java.util.Optional;

/**
 * Software keys into a TPM: a wrapped key ({@link ImportBlob}) through TPM2_Import under its parent, or a key in clear
 * through TPM2_LoadExternal into the NULL hierarchy. Secrets on the way (an inner wrapper's key, a private part in
 * clear, the parent's password) travel in the facade's secret channel, so the {@code Tpm} must have parameter
 * encryption on (the default); on a view without it, execute {@link ImportBlob#toImport} yourself.
 */
public final class KeyImports {

    private KeyImports() {
    }

    /**
     * TPM2_Import of {@code blob} under {@code parent} (authorised with an empty password): the private blob to
     * {@link Tpm#load(TpmObject, Create.Response) load} under that parent, now and after any restart, as
     * TPM2_Create's.
     *
     * @throws TpmResponseException TPM_RC_INTEGRITY when the blob was made for another parent or altered
     */
    public static Create.Response importKey(Tpm tpm, TpmObject parent, ImportBlob blob) {
        return importKey(tpm, parent, Authorization.emptyPassword(), blob);
    }

    /** {@link #importKey(Tpm, TpmObject, ImportBlob)} with the parent's authorisation. */
    public static Create.Response importKey(Tpm tpm, TpmObject parent, Authorization parentAuth, ImportBlob blob) {
        Objects.requireNonNull(blob, "blob");
        // A password becomes an HMAC proof in the channel's session; another authorisation gets the session alongside.
        byte[] imported = tpm.inSecretSession(session -> parentAuth instanceof Authorization.Password p
                ? tpm.execute(blob.toImport(parent.handle(), Authorization.session(session, p.authValue())))
                : tpm.execute(blob.toImport(parent.handle(), parentAuth), session)).outPrivate();
        return new Create.Response(imported, blob.objectPublic(), new byte[0], new byte[0], Sign.nullTicket());
    }

    /**
     * TPM2_Import then TPM2_Load of {@code blob} under {@code parent}; close the result to flush it.
     *
     * @throws TpmResponseException TPM_RC_INTEGRITY when the blob was made for another parent or altered
     */
    public static TpmObject importAndLoad(Tpm tpm, TpmObject parent, ImportBlob blob) {
        return tpm.load(parent, importKey(tpm, parent, blob));
    }

    /**
     * TPM2_LoadExternal of {@code key} with its private part, into the NULL hierarchy (the only one a TPM takes a
     * private part into): usable until flushed or the TPM restarts, never persisted. Close the result to flush it.
     */
    public static TpmObject loadExternal(Tpm tpm, SoftwareKey key) {
        LoadExternal.Response r = tpm.inSecretSession(session -> tpm.execute(new LoadExternal(Optional.of(key.sensitive()),
                key.publicArea(), TpmRh.NULL), session));
        return TpmObject.loadedThrough(tpm, r.objectHandle(), key.publicArea(), r.name());
    }
}
