package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.Certify;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Attest;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Quotes and certifications from swtpm, verified by JCA alone and checked field by field. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AttestationTest extends WithSrk {

    private static TpmObject ak;

    @BeforeAll
    static void loadAttestationKey() {
        ak = tpm.load(srk, tpm.create(srk, Templates.eccAttestationKey()));
    }

    @Override
    List<Integer> keptLoaded() {
        return List.of(srk.handle(), ak.handle());
    }

    @AfterAll
    static void flushAttestationKey() {
        ak.close();
    }

    private static boolean verifiedByJca(TpmObject key, SignedAttest signed) {
        return Signatures.verify(PublicKeys.toPublicKey(key.publicArea()), signed.signature(), signed.attest().bytes());
    }

    @Test
    void quoteOfPcrsMatchesTheirValues() throws Exception {
        tpm.pcrEvent(16, "measured".getBytes());
        byte[] nonce = tpm.getRandom(32);
        int[] pcrs = IntStream.rangeClosed(0, 16).toArray();
        SignedAttest quote = tpm.quote(ak, nonce, List.of(PcrSelection.of(TpmAlg.SHA256, pcrs)));
        Attest attest = quote.attest();
        assertTrue(verifiedByJca(ak, quote), "JCA verifies the quote");
        assertEquals(Attest.ST_ATTEST_QUOTE, attest.type());
        assertArrayEquals(nonce, attest.extraData());
        assertArrayEquals(tpm.readPublic(ak.handle()).qualifiedName(), attest.qualifiedSigner());
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        Map<Integer, byte[]> values = tpm.pcrValues(TpmAlg.SHA256, pcrs);
        for (int pcr : pcrs) {
            digest.update(values.get(pcr));
        }
        assertArrayEquals(digest.digest(), ((Attest.Quote) attest.attested()).pcrDigest(),
                "the quoted digest is the hash of the PCR values read separately");
    }

    @Test
    void certifyVouchesForALoadedObject() throws Exception {
        try (TpmObject key = tpm.load(srk, tpm.create(srk, Templates.eccSigningKey()))) {
            SignedAttest r = tpm.execute(new Certify(key.handle(), Authorization.emptyPassword(), ak.handle(),
                    Authorization.emptyPassword(), "nonce".getBytes(), Scheme.NULL));
            assertTrue(verifiedByJca(ak, r));
            assertArrayEquals(key.name(), ((Attest.Certify) r.attest().attested()).name());
        }
    }

    @Test
    void aRestrictedKeyWillNotSignAnOutsideDigestThatMimicsAQuote() {
        byte[] digest = new byte[32];
        TpmResponseException e = assertThrows(TpmResponseException.class, () -> tpm.sign(ak, digest));
        assertTrue(e.is(TpmRc.TICKET), e.getMessage());
    }
}
