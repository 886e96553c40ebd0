package io.tpm4j.api.types;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CapabilityDataTest {

    @Test
    void readsTaggedProperties() {
        byte[] bytes = new TpmWriter().u32(TpmCap.TPM_PROPERTIES.value()).u32(2)
                .u32(TpmPt.MANUFACTURER.value()).u32(0x49424d00).u32(TpmPt.LEVEL.value()).u32(0).toByteArray();
        CapabilityData data = CapabilityData.read(new TpmReader(bytes));
        assertEquals(new CapabilityData.Properties(List.of(new TaggedProperty(TpmPt.MANUFACTURER.value(), 0x49424d00),
                new TaggedProperty(TpmPt.LEVEL.value(), 0))), data);
    }

    @Test
    void readsCommandAttributes() {
        // TPM2_Load: index 0x157, 1 command handle, response handle.
        int attributes = 0x157 | (1 << 25) | (1 << 28);
        byte[] bytes = new TpmWriter().u32(TpmCap.COMMANDS.value()).u32(1).u32(attributes).toByteArray();
        CommandAttributes cca = ((CapabilityData.Commands) CapabilityData.read(new TpmReader(bytes))).commands().getFirst();
        assertEquals(TpmCc.LOAD.value(), cca.commandCode());
        assertEquals(1, cca.commandHandles());
        assertTrue(cca.responseHandle());
    }

    @Test
    void unknownSelectorIsAProtocolError() {
        byte[] bytes = new TpmWriter().u32(0x77).u32(0).toByteArray();
        TpmProtocolException e = assertThrows(TpmProtocolException.class, () -> CapabilityData.read(new TpmReader(bytes)));
        assertEquals(0, e.offset());
    }

    @Test
    void countBeyondTheBytesIsAProtocolError() {
        byte[] bytes = new TpmWriter().u32(TpmCap.HANDLES.value()).u32(1000).u32(0x80000000).toByteArray();
        assertThrows(TpmProtocolException.class, () -> CapabilityData.read(new TpmReader(bytes)));
    }
}
