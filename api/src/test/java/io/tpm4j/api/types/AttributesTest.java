package io.tpm4j.api.types;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TPMA_* types name their bits as Part 2 does, and unnamed bits stay visible. */
class AttributesTest {

    @Test
    void sessionAttributesAreOneByteWithNamedBits() {
        SessionAttributes audit = SessionAttributes.of(SessionAttributes.CONTINUE_SESSION, SessionAttributes.AUDIT);
        assertEquals(0x81, audit.raw());
        assertEquals("continueSession|audit", audit.toString());
        assertTrue(audit.has(SessionAttributes.AUDIT));
        assertEquals("decrypt|encrypt", new SessionAttributes(0x60).toString());
        assertThrows(IllegalArgumentException.class, () -> new SessionAttributes(0x100));
    }

    @Test
    void permanentAndStartupClearAttributes() {
        assertEquals("ownerAuthSet|inLockout|bit12", new PermanentAttributes(0x1201).toString());
        assertEquals("phEnable|shEnable|ehEnable|phEnableNV|orderly", new StartupClearAttributes(0x8000000F).toString());
        assertTrue(new StartupClearAttributes(0x8000000F).has(StartupClearAttributes.ORDERLY));
        assertEquals("none", new PermanentAttributes(0).toString());
    }

    @Test
    void objectAttributesKeepTheirNames() {
        assertEquals("fixedTPM|bit3|fixedParent", new ObjectAttributes(0x1A).toString());
    }

    @Test
    void structureTagsAreIndexedByValue() {
        assertEquals(TpmSt.ATTEST_QUOTE, TpmSt.of(0x8018).orElseThrow());
        assertTrue(TpmSt.of(0x1234).isEmpty());
        assertEquals(TpmSt.ATTEST_QUOTE.value(), Attest.ST_ATTEST_QUOTE);
    }
}
