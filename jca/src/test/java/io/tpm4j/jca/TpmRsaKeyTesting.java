package io.tpm4j.jca;

import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;

/** What salt length the TPM puts in its RSASSA-PSS signatures, found by signing once and decoding the signature. */
final class TpmRsaKeyTesting {

    private TpmRsaKeyTesting() {
    }

    static int pssSaltLength(Tpm4jProvider provider, KeyPair pair, String digestName) throws Exception {
        byte[] digest = MessageDigest.getInstance(digestName).digest(new byte[] {1, 2, 3});
        TpmRsaKey key = (TpmRsaKey) pair.getPrivate();
        io.tpm4j.api.types.Signature signed = provider.connection().run(key, (loaded, auth) ->
                new io.tpm4j.api.commands.Sign(loaded.handle(), auth, digest, io.tpm4j.api.types.Scheme.of(
                        io.tpm4j.api.types.TpmAlg.RSAPSS, io.tpm4j.api.types.TpmAlg.SHA256),
                        io.tpm4j.api.commands.Sign.nullTicket())).signature();
        return SignatureCheck.pssSaltLength((RSAPublicKey) pair.getPublic(), digestName, digest,
                io.tpm4j.api.crypto.Signatures.toJca(signed)).orElseThrow();
    }
}
