package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.CertifyCreation;
import io.tpm4j.api.commands.ChangePps;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.EcEphemeral;
import io.tpm4j.api.commands.EccParameters;
import io.tpm4j.api.commands.NvCertify;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Attest;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECFieldFp;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Creation and NV certification verified by JCA; curve parameters checked against JCA's; seeds and ephemerals. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CertificationTest extends WithFreshTpm {

    private static final Authorization EMPTY = Authorization.emptyPassword();
    private TpmObject srk;
    private TpmObject ak;

    @BeforeEach
    void createKeys() {
        srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
        ak = tpm.load(srk, tpm.create(srk, Templates.eccAttestationKey()));
    }

    @AfterEach
    void flushKeys() {
        ak.close();
        srk.close();
    }

    private boolean verified(SignedAttest signed) {
        return Signatures.verify(PublicKeys.toPublicKey(ak.publicArea()), signed.signature(), signed.attest().bytes());
    }

    @Test
    void creationIsCertified() throws Exception {
        Create.Response created = tpm.execute(new Create(srk.handle(), EMPTY, SensitiveCreate.EMPTY,
                Templates.eccSigningKey(), new byte[0], List.of()));
        try (TpmObject key = tpm.load(srk, created)) {
            SignedAttest r = tpm.execute(new CertifyCreation(ak.handle(), EMPTY, key.handle(), new byte[0],
                    created.creationHash(), Scheme.NULL, created.creationTicket()));
            assertEquals(Attest.ST_ATTEST_CREATION, r.attest().type());
            assertTrue(verified(r));
            Attest.Creation info = (Attest.Creation) r.attest().attested();
            assertArrayEquals(key.name(), info.objectName());
            assertArrayEquals(created.creationHash(), info.creationHash());
        }
    }

    @Test
    void nvContentsAreCertified() throws Exception {
        int index = 0x01500040;
        tpm.nvDefine(new NvPublic(index, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY, NvAttributes.AUTHREAD,
                NvAttributes.AUTHWRITE, NvAttributes.NO_DA), new byte[0], 8), new byte[0]);
        try {
            tpm.nvWrite(index, EMPTY, "certify!".getBytes());
            SignedAttest r = tpm.execute(new NvCertify(ak.handle(), EMPTY, index, EMPTY, index, new byte[0],
                    Scheme.NULL, 8, 0));
            assertEquals(Attest.ST_ATTEST_NV, r.attest().type());
            assertTrue(verified(r));
            Attest.Nv info = (Attest.Nv) r.attest().attested();
            assertArrayEquals(tpm.nvReadPublic(index).nvName(), info.indexName());
            assertEquals(0, info.offset());
            assertArrayEquals("certify!".getBytes(), info.nvContents());
        } finally {
            tpm.nvUndefine(index);
        }
    }

    @Test
    void p256ParametersAreJcasAndEphemeralsCount() throws Exception {
        EccParameters.Response p256 = tpm.execute(new EccParameters(Templates.ECC_NIST_P256));
        AlgorithmParameters jca = AlgorithmParameters.getInstance("EC");
        jca.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = jca.getParameterSpec(ECParameterSpec.class);
        assertEquals(256, p256.keySize());
        assertEquals(((ECFieldFp) spec.getCurve().getField()).getP(), new BigInteger(1, p256.p()));
        assertEquals(spec.getOrder(), new BigInteger(1, p256.n()));
        assertEquals(spec.getGenerator().getAffineX(), new BigInteger(1, p256.gX()));
        EcEphemeral.Response first = tpm.execute(new EcEphemeral(Templates.ECC_NIST_P256));
        EcEphemeral.Response second = tpm.execute(new EcEphemeral(Templates.ECC_NIST_P256));
        assertEquals(first.counter() + 1, second.counter());
        tpm.execute(new ChangePps(TpmRh.PLATFORM, EMPTY));
    }
}
