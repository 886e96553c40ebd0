package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.CreatePrimary;
import io.tpm4j.api.commands.ReadPublic;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Primary keys from the provisioning templates: created, named, read back and flushed on swtpm. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PrimaryKeyTest extends WithSharedTpm {

    @Test
    void eccSrkNameComputedInJavaMatchesTheTpm() {
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
            assertTrue(TpmHt.TRANSIENT.contains(srk.handle()));
            assertArrayEquals(srk.publicArea().name(), srk.name());
            PublicId.Ecc point = (PublicId.Ecc) srk.publicArea().unique();
            assertEquals(32, point.x().length);
            ReadPublic.Response read = tpm.readPublic(srk.handle());
            assertEquals(srk.publicArea(), read.outPublic());
            assertArrayEquals(srk.name(), read.name());
        }
    }

    @Test
    void sameTemplateSameKeyDifferentHierarchyDifferentKey() {
        PublicArea first;
        try (TpmObject a = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
            first = a.publicArea();
        }
        try (TpmObject b = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
             TpmObject c = tpm.createPrimary(TpmRh.ENDORSEMENT, Templates.srkEccP256())) {
            assertEquals(first, b.publicArea());
            assertTrue(!first.equals(c.publicArea()));
        }
    }

    @Test
    void rsaSrk() {
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkRsa2048())) {
            assertEquals(256, ((PublicId.Rsa) srk.publicArea().unique()).modulus().length);
            assertArrayEquals(srk.publicArea().name(), srk.name());
        }
    }

    @Test
    void wrongHierarchyPasswordIsRefusedAndNothingIsLoaded() {
        TpmResponseException e = assertThrows(TpmResponseException.class, () -> tpm.execute(new CreatePrimary(
                TpmRh.OWNER, Authorization.password("not the owner".getBytes()), SensitiveCreate.EMPTY,
                Templates.srkEccP256(), new byte[0], List.of())));
        assertTrue(e.is(TpmRc.AUTH_FAIL) || e.is(TpmRc.BAD_AUTH), e.getMessage());
    }

    @Test
    void flushIsIdempotentOnTheJavaSide() {
        TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
        srk.close();
        srk.close();
        TpmResponseException e = assertThrows(TpmResponseException.class, () -> tpm.readPublic(srk.handle()));
        assertTrue(e.is(TpmRc.HANDLE) || e.is(TpmRc.REFERENCE_H0), e.getMessage());
    }
}
