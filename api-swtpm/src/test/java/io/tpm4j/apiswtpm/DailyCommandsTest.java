package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.ReadClock;
import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hash, clock, PCR events and persistent objects through the facade, against swtpm. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DailyCommandsTest extends WithSharedTpm {

    @AfterEach
    void nothingPersistentLeft() {
        assertEquals(List.of(), tpm.handles(TpmHt.PERSISTENT));
    }

    @Test
    void hashMatchesJava() throws Exception {
        byte[] data = "hash me".getBytes();
        for (TpmAlg alg : List.of(TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512)) {
            assertArrayEquals(Names.digest(alg).digest(data), tpm.hash(alg, data), alg.toString());
        }
    }

    @Test
    void clockMovesForward() throws Exception {
        ReadClock.Response first = tpm.readClock();
        Thread.sleep(20);
        ReadClock.Response second = tpm.readClock();
        assertTrue(second.time() > first.time(), first + " then " + second);
        assertEquals(first.resetCount(), second.resetCount());
    }

    @Test
    void pcrEventExtendsEveryBankWithTheTpmsDigest() throws Exception {
        byte[] event = "boot event".getBytes();
        byte[] before = tpm.pcrValues(TpmAlg.SHA256, 15).get(15);
        List<TaggedDigest> digests = tpm.pcrEvent(15, event);
        TaggedDigest sha256 = digests.stream().filter(d -> d.hashAlg() == TpmAlg.SHA256).findFirst().orElseThrow();
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(event), sha256.digest());
        MessageDigest extend = MessageDigest.getInstance("SHA-256");
        extend.update(before);
        extend.update(sha256.digest());
        assertArrayEquals(extend.digest(), tpm.pcrValues(TpmAlg.SHA256, 15).get(15));
    }

    @Test
    void persistAndEvict() {
        int persistent = 0x81000001;
        byte[] name;
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
            name = srk.name();
            tpm.persist(srk, persistent);
        }
        try {
            assertEquals(List.of(persistent), tpm.handles(TpmHt.PERSISTENT));
            assertArrayEquals(name, tpm.readPublic(persistent).name());
        } finally {
            tpm.evict(persistent);
        }
    }
}
