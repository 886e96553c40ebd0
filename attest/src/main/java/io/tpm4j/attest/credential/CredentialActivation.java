package io.tpm4j.attest.credential;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.ActivateCredential;
import io.tpm4j.api.commands.GetTestResult;
import io.tpm4j.api.commands.MakeCredential;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.attest.credential.ActivationException.Reason;

import java.util.Optional;

/**
 * The attester's answer to a credential challenge: TPM2_ActivateCredential recovers the secret a verifier protected
 * to the EK for the AK's Name (with {@link Credentials#make} or TPM2_MakeCredential). The AK is authorised in its ADMIN
 * role (its authValue, by password or HMAC session), the EK through its policy; the secret comes back encrypted in a
 * session salted to the EK.
 */
public final class CredentialActivation {

    /** ActivateCredential's parameters as response codes number them. */
    private static final int CREDENTIAL_BLOB = 1;
    private static final int SECRET = 2;

    private CredentialActivation() {
    }

    /**
     * The credential secret, when {@code credential} was made for this EK and the loaded object at {@code akHandle}.
     *
     * @throws ActivationException  when the TPM finds the credential was not made for this EK and AK, or was altered
     * @throws TpmResponseException for any other refusal (e.g. a wrong AK authValue)
     */
    public static byte[] activate(Tpm tpm, int akHandle, Authorization akAuth, LoadedEk ek,
                                  MakeCredential.Response credential) throws ActivationException {
        try {
            return EkAuthorization.withEk(tpm, ek, ekAuth -> tpm.execute(new ActivateCredential(akHandle, akAuth,
                    ek.handle(), ekAuth, credential)).certInfo());
        } catch (TpmResponseException e) {
            Optional<Reason> reason = reason(e.responseCode());
            if (reason.isEmpty() && e.is(TpmRc.FAILURE) && e.commandCode() == TpmCc.ACTIVATE_CREDENTIAL.value()
                    && ek.publicArea().parameters() instanceof PublicParameters.Rsa && selfTestPassed(tpm)) {
                // libtpms answers an RSA-OAEP decryption that fails with TPM_RC_FAILURE (the specification says
                // TPM_RC_VALUE for the secret) while it goes on working: its self-test result says it is not in
                // failure mode.
                reason = Optional.of(Reason.SEED_NOT_FOR_THIS_EK);
            }
            if (reason.isEmpty()) {
                throw e;
            }
            throw new ActivationException(reason.get(), e);
        }
    }

    private static boolean selfTestPassed(Tpm tpm) {
        return tpm.execute(new GetTestResult()).testResult() == TpmRc.SUCCESS.value();
    }

    /** The check a response code of TPM2_ActivateCredential says failed; empty for a code that is not about them. */
    private static Optional<Reason> reason(ResponseCode rc) {
        int parameter = rc.parameterNumber().orElse(0);
        if (parameter != CREDENTIAL_BLOB && parameter != SECRET) {
            return Optional.empty();
        }
        if (rc.is(TpmRc.SIZE) || rc.is(TpmRc.INSUFFICIENT)) {
            return Optional.of(Reason.MALFORMED);
        }
        if (parameter == CREDENTIAL_BLOB) {
            return rc.is(TpmRc.INTEGRITY) ? Optional.of(Reason.INTEGRITY) : Optional.empty();
        }
        return rc.is(TpmRc.VALUE) || rc.is(TpmRc.ECC_POINT) || rc.is(TpmRc.NO_RESULT) || rc.is(TpmRc.KEY)
                ? Optional.of(Reason.SEED_NOT_FOR_THIS_EK) : Optional.empty();
    }
}
