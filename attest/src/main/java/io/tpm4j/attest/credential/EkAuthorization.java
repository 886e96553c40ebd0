package io.tpm4j.attest.credential;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.commands.PolicySecret;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmWriter;

import java.util.Arrays;
import java.util.function.Function;

/**
 * The USER role of an EK, in a session salted to the EK that encrypts the first parameter both ways (a key's sensitive
 * data on the way in, a recovered credential on the way out). A low-range EK has no userWithAuth: its policy, Policy A,
 * is TPM2_PolicySecret with the endorsement hierarchy. A high-range EK has userWithAuth and its empty authValue.
 */
final class EkAuthorization {

    private static final byte[] NONE = new byte[0];

    private EkAuthorization() {
    }

    /** Runs {@code use} with an authorisation of the EK's USER role, then ends the session. */
    static <T> T withEk(Tpm tpm, LoadedEk ek, Function<Authorization, T> use) {
        PublicArea area = ek.publicArea();
        TpmAlg nameAlg = area.nameAlg();
        if (area.attributes().has(ObjectAttributes.USER_WITH_AUTH)) {
            try (AuthSession session = tpm.startSession(Session.hmac(nameAlg).salted(ek.handle(), area).encrypted())) {
                return use.apply(Authorization.session(session, NONE));
            }
        }
        byte[] endorsement = new TpmWriter().u32(TpmRh.ENDORSEMENT).toByteArray();
        byte[] policySecret = PolicyDigest.start(nameAlg).secret(endorsement, NONE).digest();
        if (!Arrays.equals(policySecret, area.authPolicy())) {
            throw new IllegalArgumentException("the EK has no userWithAuth and its authPolicy is not TPM2_PolicySecret"
                    + " with the endorsement hierarchy (" + nameAlg + "): cannot satisfy it");
        }
        try (AuthSession session = tpm.startSession(Session.policy(nameAlg).salted(ek.handle(), area).encrypted())) {
            tpm.execute(new PolicySecret(TpmRh.ENDORSEMENT, ek.endorsementAuth(), session.handle(), NONE, NONE, NONE, 0));
            return use.apply(Authorization.policy(session));
        }
    }
}
