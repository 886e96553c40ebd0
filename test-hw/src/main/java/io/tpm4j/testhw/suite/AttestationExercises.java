package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.Certify;
import io.tpm4j.api.commands.CertifyCreation;
import io.tpm4j.api.commands.CertifyX509;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.GetCommandAuditDigest;
import io.tpm4j.api.commands.GetRandom;
import io.tpm4j.api.commands.GetSessionAuditDigest;
import io.tpm4j.api.commands.GetTime;
import io.tpm4j.api.commands.Quote;
import io.tpm4j.api.commands.SetCommandCodeAuditStatus;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.Attest;
import io.tpm4j.api.types.CapabilityData;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCap;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRh;

import java.util.List;
import java.util.function.Predicate;

import static io.tpm4j.api.types.TpmCc.*;
import static io.tpm4j.testhw.suite.ExerciseSupport.EMPTY;
import static io.tpm4j.testhw.suite.ExerciseSupport.concat;
import static io.tpm4j.testhw.suite.ExerciseSupport.nullPrimary;
import static io.tpm4j.testhw.suite.ExerciseSupport.verify;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exercises of attestation with a NULL-hierarchy attestation key: quotes and certifications, a certificate
 * signed by TPM2_CertifyX509; then signed time and the session audit digest, which need the endorsement
 * hierarchy's authorisation, and the command audit digest, which needs the owner's too (the audit list is put
 * back).
 */
final class AttestationExercises {

    /** Whether the TPM has a command: an exercise skips the optional steps whose commands it lacks. */
    private final Predicate<TpmCc> has;

    AttestationExercises(Predicate<TpmCc> advertised) {
        this.has = advertised;
    }

    void attestation(Tpm tpm) {
        byte[] nonce = tpm.getRandom(16);
        try (TpmObject primary = nullPrimary(tpm)) {
            Create.Response created = tpm.create(primary, Templates.eccAttestationKey());
            try (TpmObject ak = tpm.load(primary, created)) {
                verify(ak, tpm.execute(new Quote(ak.handle(), EMPTY, nonce, Scheme.NULL,
                        List.of(PcrSelection.of(TpmAlg.SHA256, 0, 1, 2, 3, 4, 5, 6, 7)))));
                verify(ak, tpm.execute(new Certify(primary.handle(), EMPTY, ak.handle(), EMPTY, nonce, Scheme.NULL)));
                verify(ak, tpm.execute(new CertifyCreation(ak.handle(), EMPTY, ak.handle(), nonce, created.creationHash(),
                        Scheme.NULL, created.creationTicket())));
                if (has.test(CERTIFY_X509)) {
                    try (TpmObject signer = tpm.load(primary, tpm.create(primary, Templates.eccSigningKey()))) {
                        CertifyX509.Response certificate = tpm.execute(new CertifyX509(ak.handle(), EMPTY,
                                signer.handle(), EMPTY, Scheme.NULL, partialCertificate()));
                        assertEquals(32, certificate.tbsDigest().length, "the digest of the TBSCertificate it signed");
                    }
                }
            }
        }
    }

    /**
     * What the caller gives TPM2_CertifyX509: issuer, validity, subject and a keyUsage extension (digitalSignature,
     * as befits the signing key certified); the TPM adds version, serial number, algorithm and the public key.
     */
    private static byte[] partialCertificate() {
        byte[] commonName = {0x55, 0x04, 0x03};
        byte[] issuer = der(0x30, der(0x31, der(0x30, der(0x06, commonName), der(0x0c, "tpm4j check".getBytes()))));
        byte[] subject = der(0x30, der(0x31, der(0x30, der(0x06, commonName), der(0x0c, "certified key".getBytes()))));
        byte[] validity = der(0x30, der(0x17, "260101000000Z".getBytes()), der(0x17, "360101000000Z".getBytes()));
        byte[] keyUsage = der(0x30, der(0x06, new byte[] {0x55, 0x1d, 0x0f}), der(0x01, new byte[] {(byte) 0xff}),
                der(0x04, der(0x03, new byte[] {0x07, (byte) 0x80})));
        return der(0x30, issuer, validity, subject, der(0xa3, der(0x30, keyUsage)));
    }

    /** One DER element (contents shorter than 256 bytes): tag, length, the contents. */
    private static byte[] der(int tag, byte[]... contents) {
        byte[] body = concat(contents);
        byte[] header = body.length < 0x80 ? new byte[] {(byte) tag, (byte) body.length}
                : new byte[] {(byte) tag, (byte) 0x81, (byte) body.length};
        return concat(header, body);
    }

    static void timeAndSessionAudit(Tpm tpm) {
        try (TpmObject primary = nullPrimary(tpm);
             TpmObject ak = tpm.load(primary, tpm.create(primary, Templates.eccAttestationKey()))) {
            verify(ak, tpm.execute(new GetTime(TpmRh.ENDORSEMENT, EMPTY, ak.handle(), EMPTY, new byte[0], Scheme.NULL)));
            try (AuthSession audit = tpm.startSession(Session.hmac(TpmAlg.SHA256).audited())) {
                tpm.execute(new GetRandom(8), audit);
                SignedAttest digest = tpm.execute(new GetSessionAuditDigest(TpmRh.ENDORSEMENT, EMPTY, ak.handle(), EMPTY,
                        audit.handle(), new byte[0], Scheme.NULL));
                verify(ak, digest);
                assertArrayEquals(audit.auditDigest(), ((Attest.SessionAudit) digest.attest().attested()).sessionDigest(),
                        "the TPM's session audit digest is the one tpm4j computed");
            }
        }
    }

    /**
     * GetRandom audited and the command audit digest signed. GetRandom is taken off the audit list again unless
     * it was on it before; the audit hash algorithm stays as it was. (Changing the list restarts the digest.)
     */
    static void commandAudit(Tpm tpm) {
        boolean wasAudited = ((CapabilityData.CommandCodes) tpm.getCapability(TpmCap.AUDIT_COMMANDS, 0, 1024).data())
                .commandCodes().contains(GET_RANDOM.value());
        tpm.execute(new SetCommandCodeAuditStatus(TpmRh.OWNER, EMPTY, TpmAlg.NULL, List.of(GET_RANDOM.value()), List.of()));
        try (TpmObject primary = nullPrimary(tpm);
             TpmObject ak = tpm.load(primary, tpm.create(primary, Templates.eccAttestationKey()))) {
            tpm.getRandom(8);
            SignedAttest digest = tpm.execute(new GetCommandAuditDigest(TpmRh.ENDORSEMENT, EMPTY, ak.handle(), EMPTY,
                    new byte[0], Scheme.NULL));
            verify(ak, digest);
            assertTrue(((Attest.CommandAudit) digest.attest().attested()).auditCounter() > 0, "GetRandom was audited");
        } finally {
            if (!wasAudited) {
                tpm.execute(new SetCommandCodeAuditStatus(TpmRh.OWNER, EMPTY, TpmAlg.NULL, List.of(),
                        List.of(GET_RANDOM.value())));
            }
        }
    }
}
