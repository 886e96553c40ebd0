package io.tpm4j.api.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ResponseCodeTest {

    @Test
    void successIsZeroAndNothingElse() {
        ResponseCode rc = new ResponseCode(0);
        assertTrue(rc.isSuccess());
        assertEquals(Optional.of(TpmRc.SUCCESS), rc.rc());
        assertFalse(rc.isFormat1());
        assertFalse(rc.isWarning());
        assertFalse(rc.isTpm12());
        assertEquals("TPM_RC_SUCCESS (0x00000000): the command completed successfully", rc.describe());
        assertFalse(new ResponseCode(0x000B_0000).isSuccess());
        assertEquals(Optional.empty(), new ResponseCode(0x000B_0000).rc());
    }

    @Test
    void handleErrorNamesTheHandle() {
        ResponseCode rc = new ResponseCode(0x18B);
        assertTrue(rc.isFormat1());
        assertEquals(0x08B, rc.baseCode());
        assertTrue(rc.is(TpmRc.HANDLE));
        assertEquals(OptionalInt.of(1), rc.handleNumber());
        assertEquals(OptionalInt.empty(), rc.parameterNumber());
        assertEquals(OptionalInt.empty(), rc.sessionNumber());
        assertEquals("TPM_RC_HANDLE (0x0000018b): the handle is not correct for its use — handle 1", rc.describe());
        assertEquals(rc.describe(), rc.toString());
    }

    @Test
    void valueErrorNamesTheParameter() {
        // 0x1C4 = N 1 | P 0x040 | F 0x080 | E 0x04
        ResponseCode rc = new ResponseCode(0x1C4);
        assertTrue(rc.isFormat1());
        assertEquals(0x084, rc.baseCode());
        assertEquals(Optional.of(TpmRc.VALUE), rc.rc());
        assertEquals(OptionalInt.of(1), rc.parameterNumber());
        assertEquals(OptionalInt.empty(), rc.handleNumber());
        assertEquals(OptionalInt.empty(), rc.sessionNumber());
        assertTrue(rc.describe().endsWith(" — parameter 1"), rc.describe());

        ResponseCode second = new ResponseCode(0x2D5);
        assertTrue(second.is(TpmRc.SIZE));
        assertEquals(OptionalInt.of(2), second.parameterNumber());
    }

    @Test
    void badAuthAndAuthFailNameTheSession() {
        ResponseCode badAuth = new ResponseCode(0x9A2);
        assertTrue(badAuth.isFormat1());
        assertFalse(badAuth.isWarning());
        assertEquals(0x0A2, badAuth.baseCode());
        assertTrue(badAuth.is(TpmRc.BAD_AUTH));
        assertEquals(OptionalInt.of(1), badAuth.sessionNumber());
        assertEquals(OptionalInt.empty(), badAuth.handleNumber());
        assertEquals(OptionalInt.empty(), badAuth.parameterNumber());

        ResponseCode authFail = new ResponseCode(0x98E);
        assertTrue(authFail.is(TpmRc.AUTH_FAIL));
        assertEquals(OptionalInt.of(1), authFail.sessionNumber());
        assertTrue(authFail.describe().startsWith("TPM_RC_AUTH_FAIL (0x0000098e): "), authFail.describe());
        assertTrue(authFail.describe().endsWith(" — session 1"), authFail.describe());

        ResponseCode third = new ResponseCode(0xB8E);
        assertEquals(OptionalInt.of(3), third.sessionNumber());
    }

    @Test
    void sessionWithoutNumberIsSessionZero() {
        ResponseCode rc = new ResponseCode(0x88E);
        assertTrue(rc.is(TpmRc.AUTH_FAIL));
        assertEquals(OptionalInt.of(0), rc.sessionNumber());
        assertEquals(OptionalInt.empty(), rc.handleNumber());
        assertTrue(rc.describe().endsWith(" — session (unspecified)"), rc.describe());

        ResponseCode noPosition = new ResponseCode(0x08B);
        assertEquals(OptionalInt.empty(), noPosition.handleNumber());
        assertEquals(OptionalInt.empty(), noPosition.sessionNumber());
        assertEquals(OptionalInt.empty(), noPosition.parameterNumber());
    }

    @Test
    void retryIsAWarning() {
        ResponseCode rc = new ResponseCode(0x922);
        assertFalse(rc.isFormat1());
        assertTrue(rc.isWarning());
        assertFalse(rc.isVendorDefined());
        assertFalse(rc.isTpm12());
        assertEquals(0x922, rc.baseCode());
        assertTrue(rc.is(TpmRc.RETRY));
        assertEquals(OptionalInt.empty(), rc.handleNumber());
        assertEquals(
                "TPM_RC_RETRY (0x00000922): warning: the TPM was not able to start the command; send it again",
                rc.describe());
    }

    @Test
    void contextGapIsAWarning() {
        ResponseCode rc = new ResponseCode(0x901);
        assertTrue(rc.isWarning());
        assertEquals(Optional.of(TpmRc.CONTEXT_GAP), rc.rc());
        assertTrue(new ResponseCode(0x910).is(TpmRc.REFERENCE_H0));
    }

    @Test
    void failureIsAFormatZeroError() {
        ResponseCode rc = new ResponseCode(0x101);
        assertFalse(rc.isFormat1());
        assertFalse(rc.isWarning());
        assertFalse(rc.isTpm12());
        assertTrue(rc.is(TpmRc.FAILURE));
        assertFalse(rc.is(TpmRc.INITIALIZE));
        assertTrue(rc.describe().startsWith("TPM_RC_FAILURE (0x00000101): "), rc.describe());
    }

    @Test
    void kernelResourceManagerRefusalDecodesAsCommandCode() {
        ResponseCode rc = new ResponseCode(0x000B_0143);
        assertEquals(11, rc.layer());
        assertEquals("resource manager", rc.layerName());
        assertEquals(0x143, rc.baseCode());
        assertTrue(rc.is(TpmRc.COMMAND_CODE));
        assertTrue(rc.describe().startsWith("resource manager: TPM_RC_COMMAND_CODE (0x000b0143): "), rc.describe());

        ResponseCode abrmd = new ResponseCode(0x000C_0902);
        assertEquals("resource manager (TPM)", abrmd.layerName());
        assertTrue(abrmd.isWarning());
        assertTrue(abrmd.is(TpmRc.OBJECT_MEMORY));
    }

    @Test
    void otherLayersAreNotReadAsTpmCodes() {
        ResponseCode tcti = new ResponseCode(0x000A_0005);
        assertEquals(10, tcti.layer());
        assertEquals("TCTI", tcti.layerName());
        assertEquals(Optional.empty(), tcti.rc());
        assertFalse(tcti.isTpm12());
        assertFalse(tcti.isFormat1());
        assertEquals(5, tcti.baseCode());
        assertEquals("TCTI: error 0x000a0005 (code 5)", tcti.describe());
        assertEquals("layer 42", new ResponseCode(42 << 16 | 1).layerName());
        assertEquals("TPM", new ResponseCode(0x101).layerName());
    }

    @Test
    void badTagIsTpm12FormatButKnown() {
        ResponseCode rc = new ResponseCode(0x01E);
        assertTrue(rc.isTpm12());
        assertFalse(rc.isFormat1());
        assertEquals(0x01E, rc.baseCode());
        assertTrue(rc.is(TpmRc.BAD_TAG));
        assertTrue(rc.describe().startsWith("TPM_RC_BAD_TAG (0x0000001e): "), rc.describe());
    }

    @Test
    void otherTpm12CodesAreReportedAsSuch() {
        ResponseCode rc = new ResponseCode(0x001);
        assertTrue(rc.isTpm12());
        assertEquals(Optional.empty(), rc.rc());
        assertEquals("TPM 1.2 response code 0x00000001", rc.describe());
    }

    @Test
    void vendorCodeNeverMatchesASpecCode() {
        ResponseCode rc = new ResponseCode(0x500);
        assertTrue(rc.isVendorDefined());
        assertFalse(rc.isTpm12());
        assertFalse(rc.isWarning());
        assertEquals(Optional.empty(), rc.rc());
        assertFalse(rc.is(TpmRc.INITIALIZE));
        assertEquals("vendor-defined response code 0x00000500", rc.describe());
    }

    @Test
    void unassignedFormatZeroCodeIsUnknown() {
        ResponseCode rc = new ResponseCode(0x17F);
        assertFalse(rc.isTpm12());
        assertFalse(rc.isVendorDefined());
        assertEquals(Optional.empty(), rc.rc());
        assertEquals("unknown TPM response code 0x0000017f", rc.describe());
    }

    @Test
    void everyBaseCodeRoundTripsThroughTheDecoder() {
        for (TpmRc rc : TpmRc.values()) {
            ResponseCode decoded = new ResponseCode(rc.value());
            assertEquals(rc.value(), decoded.baseCode(), rc.name());
            assertTrue(decoded.is(rc), rc.name());
        }
    }
}
