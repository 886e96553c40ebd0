package io.tpm4j.api.commands;

import io.tpm4j.api.testing.CommandRecords;
import io.tpm4j.api.types.TpmCc;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandRecordsTest {

    @Test
    void everyRecordSendsItsOwnCode() {
        Map<TpmCc, TpmCommand<?>> records = CommandRecords.byCode();
        assertTrue(records.size() >= 109, "found only " + records.size() + " command records");
        assertEquals(GetRandom.class, records.get(TpmCc.GET_RANDOM).getClass());
        assertEquals(ZGen2Phase.class, records.get(TpmCc.ZGEN_2PHASE).getClass());
    }
}
