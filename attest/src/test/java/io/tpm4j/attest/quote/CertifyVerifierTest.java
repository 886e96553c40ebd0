package io.tpm4j.attest.quote;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.CertifyCreation;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.ReadPublic;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static io.tpm4j.attest.quote.Attestations.NONCE;
import static io.tpm4j.attest.quote.QuoteVerifierTest.checks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An application key bound to the AK by TPM2_Certify and TPM2_CertifyCreation on swtpm, checked without it. */
class CertifyVerifierTest extends OnSwtpm {

    static List<PublicArea> akTemplates() {
        return Attestations.akTemplates().toList();
    }

    /** What the verifier receives: the attestation, the AK, and the application key's public area. */
    private record Certified(SignedAttestation attestation, AttestationKey ak, PublicArea key, byte[] qualifiedName,
                             byte[] creationData) {
    }

    /** An application signing key under the SRK, certified by an AK with TPM2_Certify. */
    private Certified certify(PublicArea akTemplate) throws Exception {
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
             TpmObject key = tpm.load(srk, tpm.create(srk, Templates.eccSigningKey()));
             TpmObject ak = tpm.createPrimary(TpmRh.ENDORSEMENT, akTemplate)) {
            SignedAttestation certified = SignedAttestation.of(tpm.certify(key, ak, NONCE));
            byte[] qualifiedName = tpm.execute(new ReadPublic(key.handle())).qualifiedName();
            return new Certified(certified, AttestationKey.of(ak.publicArea()), key.publicArea(), qualifiedName,
                    new byte[0]);
        }
    }

    /** An application key TPM2_Create made under the SRK, its creation certified by an AK. */
    private Certified certifyCreation(PublicArea akTemplate) throws Exception {
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
            Create.Response created = tpm.create(srk, Templates.rsaSigningKey());
            try (TpmObject key = tpm.load(srk, created);
                 TpmObject ak = tpm.createPrimary(TpmRh.ENDORSEMENT, akTemplate)) {
                SignedAttestation certified = SignedAttestation.of(tpm.execute(new CertifyCreation(ak.handle(),
                        Authorization.emptyPassword(), key.handle(), NONCE, created.creationHash(), Scheme.NULL,
                        created.creationTicket())));
                return new Certified(certified, AttestationKey.of(ak.publicArea()), created.outPublic(), new byte[0],
                        created.creationData());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("akTemplates")
    void certifyVerifies(PublicArea akTemplate) throws Exception {
        Certified c = certify(akTemplate);
        Verification v = CertifyVerifier.certify(c.attestation(), c.ak(), NONCE, c.key(), c.qualifiedName());
        assertTrue(v.ok(), v.toString());
        assertTrue(CertifyVerifier.certify(c.attestation(), c.ak(), NONCE, c.key()).ok());
    }

    @Test
    void certifyOfAnotherKeyRejected() throws Exception {
        Certified c = certify(Templates.eccAttestationKey());
        PublicArea other;
        try (TpmObject key = tpm.createPrimary(TpmRh.OWNER, Templates.eccSigningKey())) {
            other = key.publicArea();
        }
        Verification v = CertifyVerifier.certify(c.attestation(), c.ak(), NONCE, other);
        assertEquals(List.of(Check.OBJECT_NAME), checks(v));
        assertTrue(v.failures().getFirst().reason().contains("TPMS_CERTIFY_INFO.name"), v.toString());
    }

    @Test
    void certifyTamperingsRejected() throws Exception {
        Certified c = certify(Templates.eccAttestationKey());
        assertEquals(List.of(Check.NONCE), checks(CertifyVerifier.certify(c.attestation(), c.ak(), new byte[8],
                c.key())));
        byte[] otherParents = c.qualifiedName().clone();
        otherParents[otherParents.length - 1] ^= 1;
        assertEquals(List.of(Check.QUALIFIED_NAME), checks(CertifyVerifier.certify(c.attestation(), c.ak(), NONCE,
                c.key(), otherParents)));
        assertEquals(List.of(Check.SIGNATURE), checks(CertifyVerifier.certify(
                Attestations.withSignatureFlipped(c.attestation()), c.ak(), NONCE, c.key())));
        assertEquals(List.of(Check.SIGNATURE, Check.TYPE), checks(CertifyVerifier.certify(
                Attestations.withType(c.attestation(), Attestations.QUOTE), c.ak(), NONCE, c.key())));
        assertEquals(List.of(Check.SIGNATURE, Check.MAGIC), checks(CertifyVerifier.certify(
                Attestations.withMagic(c.attestation(), 0x47435054), c.ak(), NONCE, c.key())));
        assertEquals(List.of(Check.SIGNATURE, Check.NONCE), checks(CertifyVerifier.certify(
                Attestations.withExtraDataFlipped(c.attestation()), c.ak(), NONCE, c.key())));
    }

    @ParameterizedTest
    @MethodSource("akTemplates")
    void certifyCreationVerifies(PublicArea akTemplate) throws Exception {
        Certified c = certifyCreation(akTemplate);
        Verification v = CertifyVerifier.certifyCreation(c.attestation(), c.ak(), NONCE, c.key(), c.creationData());
        assertTrue(v.ok(), v.toString());
    }

    @Test
    void certifyCreationTamperingsRejected() throws Exception {
        Certified c = certifyCreation(Templates.eccAttestationKey());
        byte[] otherCreation = c.creationData().clone();
        otherCreation[otherCreation.length - 1] ^= 1;
        Verification data = CertifyVerifier.certifyCreation(c.attestation(), c.ak(), NONCE, c.key(), otherCreation);
        assertEquals(List.of(Check.CREATION_HASH), checks(data));
        assertTrue(data.failures().getFirst().reason().contains("creationHash"), data.toString());

        Certified another = certify(Templates.eccAttestationKey());
        assertEquals(List.of(Check.OBJECT_NAME), checks(CertifyVerifier.certifyCreation(c.attestation(), c.ak(),
                NONCE, another.key(), c.creationData())));
        assertEquals(List.of(Check.NONCE), checks(CertifyVerifier.certifyCreation(c.attestation(), c.ak(),
                "not it".getBytes(), c.key(), c.creationData())));
        assertEquals(List.of(Check.SIGNATURE), checks(CertifyVerifier.certifyCreation(
                Attestations.withSignatureFlipped(c.attestation()), c.ak(), NONCE, c.key(), c.creationData())));
        assertEquals(List.of(Check.SIGNATURE, Check.MAGIC), checks(CertifyVerifier.certifyCreation(
                Attestations.withMagic(c.attestation(), 0), c.ak(), NONCE, c.key(), c.creationData())));
        // A Certify presented as a creation certificate: its body happens to parse as one, its type says what it is.
        Verification certify = CertifyVerifier.certifyCreation(another.attestation(), another.ak(), NONCE,
                another.key(), c.creationData());
        assertEquals(List.of(Check.TYPE, Check.CREATION_HASH), checks(certify));
        assertTrue(certify.failures().getFirst().reason().contains("TPM_ST_ATTEST_CERTIFY, not TPM_ST_ATTEST_CREATION"),
                certify.toString());
    }
}
