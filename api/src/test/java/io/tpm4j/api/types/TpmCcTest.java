package io.tpm4j.api.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TpmCcTest {

    @Test
    void wellKnownCodes() {
        assertEquals(0x17B, TpmCc.GET_RANDOM.value());
        assertEquals(0x144, TpmCc.STARTUP.value());
        assertEquals(0x17E, TpmCc.PCR_READ.value());
        assertEquals(0x17A, TpmCc.GET_CAPABILITY.value());
        assertEquals(0x131, TpmCc.CREATE_PRIMARY.value());
        assertEquals(0x11F, TpmCc.NV_UNDEFINE_SPACE_SPECIAL.value());
        assertEquals(0x198, TpmCc.ACT_SET_TIMEOUT.value());
        assertEquals(0x19F, TpmCc.SET_CAPABILITY.value());
        assertEquals(0x2000_0000, TpmCc.VENDOR_TCG_TEST.value());
    }

    @Test
    void specNames() {
        assertEquals("TPM2_GetRandom", TpmCc.GET_RANDOM.specName());
        assertEquals("TPM2_PCR_Read", TpmCc.PCR_READ.specName());
        assertEquals("TPM2_NV_UndefineSpaceSpecial", TpmCc.NV_UNDEFINE_SPACE_SPECIAL.specName());
        assertEquals("TPM2_Vendor_TCG_Test", TpmCc.VENDOR_TCG_TEST.specName());
    }

    @Test
    void valuesAreUniqueAndLookUpToThemselves() {
        Set<Integer> seen = new HashSet<>();
        for (TpmCc cc : TpmCc.values()) {
            assertTrue(seen.add(cc.value()), "duplicate " + cc);
            assertEquals(Optional.of(cc), TpmCc.of(cc.value()));
        }
    }

    @Test
    void lookupOfUnlistedCodes() {
        assertEquals(Optional.empty(), TpmCc.of(0x123));
        assertEquals(Optional.empty(), TpmCc.of(0x15A));
        assertEquals(Optional.empty(), TpmCc.of(0x2000_1000));
    }

    @Test
    void describe() {
        assertEquals("TPM2_GetRandom (0x0000017b)", TpmCc.describe(0x17B));
        assertEquals("TPM2_Vendor_TCG_Test (0x20000000)", TpmCc.describe(0x2000_0000));
        assertEquals("vendor command 0x20001000", TpmCc.describe(0x2000_1000));
        assertEquals("unknown command 0x00000999", TpmCc.describe(0x999));
    }
}
