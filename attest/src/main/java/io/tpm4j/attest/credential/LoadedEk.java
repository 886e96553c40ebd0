package io.tpm4j.attest.credential;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicArea;

import java.util.Objects;

/**
 * An EK loaded in the TPM (transient or persistent), its public area as the caller checked it, and the endorsement
 * hierarchy's authorisation, which satisfies the EK's policy (TPM2_PolicySecret with the endorsement hierarchy).
 */
public record LoadedEk(int handle, PublicArea publicArea, Authorization endorsementAuth) {

    public LoadedEk {
        Objects.requireNonNull(publicArea, "publicArea");
        Objects.requireNonNull(endorsementAuth, "endorsementAuth");
    }

    /** An EK from {@code Tpm.createPrimary}, with the endorsement hierarchy's empty password. */
    public static LoadedEk of(TpmObject ek) {
        return new LoadedEk(ek.handle(), ek.publicArea(), Authorization.emptyPassword());
    }

    /** This EK with another authorisation of the endorsement hierarchy. */
    public LoadedEk withEndorsementAuth(Authorization auth) {
        return new LoadedEk(handle, publicArea, auth);
    }
}
