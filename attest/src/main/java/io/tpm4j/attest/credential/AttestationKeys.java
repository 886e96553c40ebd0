package io.tpm4j.attest.credential;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.types.SensitiveCreate;

import java.util.List;

/**
 * Attestation keys made in the TPM from an {@link AkTemplate}, under the EK (through its policy, see {@link LoadedEk})
 * or under a storage root key. The AK's authValue travels encrypted. An AK under the EK can be loaded only where that
 * EK is, so its Name is all the credential needs; one under the SRK is loaded with {@code Tpm.load(srk, created)}.
 */
public final class AttestationKeys {

    private static final byte[] NONE = new byte[0];

    private AttestationKeys() {
    }

    /** TPM2_Create of an AK under the EK, with {@code authValue} (may be empty); load it with {@link #loadUnderEk}. */
    public static Create.Response createUnderEk(Tpm tpm, LoadedEk ek, AkTemplate template, byte[] authValue) {
        SensitiveCreate sensitive = new SensitiveCreate(authValue, NONE);
        return EkAuthorization.withEk(tpm, ek, auth -> tpm.execute(new Create(ek.handle(), auth, sensitive,
                template.publicArea(), NONE, List.of())));
    }

    /** TPM2_Load of an AK that {@link #createUnderEk} made under this EK; close the result to flush it. */
    public static TpmObject loadUnderEk(Tpm tpm, LoadedEk ek, Create.Response ak) {
        return EkAuthorization.withEk(tpm, ek, auth -> tpm.load(ek.handle(), auth, ak.outPrivate(), ak.outPublic()));
    }

    /**
     * TPM2_Create of an AK under a storage root key authorised with an empty password (e.g. one made from
     * {@code Templates.srkEccP256()}), with {@code authValue} (may be empty).
     */
    public static Create.Response createUnderSrk(Tpm tpm, TpmObject srk, AkTemplate template, byte[] authValue) {
        return tpm.create(srk, template.publicArea(), new SensitiveCreate(authValue, NONE));
    }
}
