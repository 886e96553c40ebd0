package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.emptyBuffer;
import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structure;

/**
 * TPM2_CertifyX509 (Part 3, section 18.8): the TPM signs an X.509 certificate for {@code objectHandle} with
 * {@code signHandle}. {@code partialCertificate} is a DER SEQUENCE of the issuer, validity, subject and
 * extensions (optionally preceded by the signature algorithm); the TPM returns what it adds (version, serial
 * number, signature algorithm, subject public key) as a DER SEQUENCE, the digest of the TBSCertificate and
 * its signature.
 */
public record CertifyX509(int objectHandle, Authorization objectAuth, int signHandle, Authorization signAuth,
                          Scheme inScheme, byte[] partialCertificate) implements TpmCommand<CertifyX509.Response> {

    public CertifyX509 {
        partialCertificate = partialCertificate.clone();
    }

    public record Response(byte[] addedToCertificate, byte[] tbsDigest, Signature signature) {
        public Response {
            addedToCertificate = addedToCertificate.clone();
            tbsDigest = tbsDigest.clone();
        }

        @Override
        public byte[] addedToCertificate() {
            return addedToCertificate.clone();
        }

        @Override
        public byte[] tbsDigest() {
            return tbsDigest.clone();
        }
    }

    @Override
    public CommandLayout layout() {
        // The first parameter is reserved: an Empty Buffer.
        return CommandLayout.of(TpmCc.CERTIFY_X509).authorized(objectHandle, objectAuth)
                .authorized(signHandle, signAuth)
                .parameters(emptyBuffer(), structure(inScheme::write), sized(partialCertificate)).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(EncryptDecrypt2.MAX_BUFFER, "addedToCertificate"), in.tpm2b(64, "tbsDigest"),
                Signature.read(in));
    }
}
