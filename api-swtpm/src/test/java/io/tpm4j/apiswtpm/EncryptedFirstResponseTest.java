package io.tpm4j.apiswtpm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.GetTestResult;
import io.tpm4j.api.commands.NvReadPublic;
import io.tpm4j.api.commands.StartAuthSession;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.testing.CallerSessions;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The three commands whose records once said their first response parameter was not sized, although Part 3
 * makes it a TPM2B: with an encrypt session the TPM now encrypts it (it is not on the wire as it is) and the
 * session decrypts it back to what an unencrypted call returns.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EncryptedFirstResponseTest extends WithSrk {

    private static final int INDEX = 0x01500031;

    @AfterEach
    void noSessionLeft() {
        assertEquals(List.of(), CallerSessions.loaded(tpm));
    }

    /** The same TPM, keeping the last response (the Name lookups before a session command go through it too). */
    private static Tpm recordingLast(AtomicReference<byte[]> last) {
        return Tpm.on(command -> {
            byte[] response = tpm.transport().transmit(command);
            last.set(response);
            return response;
        });
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(new String(needle, StandardCharsets.ISO_8859_1));
    }

    private static AuthSession encrypting() {
        return tpm.startSession(Session.hmac(TpmAlg.SHA256).encrypted());
    }

    @Test
    void nvReadPublic() {
        tpm.nvDefine(new NvPublic(INDEX, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY,
                NvAttributes.OWNERWRITE, NvAttributes.OWNERREAD, NvAttributes.NO_DA), new byte[0], 16), new byte[0]);
        try (AuthSession session = encrypting()) {
            NvReadPublic.Response plain = tpm.execute(new NvReadPublic(INDEX));
            AtomicReference<byte[]> last = new AtomicReference<>();
            NvReadPublic.Response decrypted = recordingLast(last).execute(new NvReadPublic(INDEX), session);
            assertEquals(plain.nvPublic(), decrypted.nvPublic());
            assertArrayEquals(plain.nvName(), decrypted.nvName());
            assertFalse(contains(last.get(), plain.nvPublic().toBytes()), "TPMS_NV_PUBLIC went in clear");
        } finally {
            tpm.nvUndefine(INDEX);
        }
    }

    @Test
    void startAuthSession() {
        try (AuthSession session = encrypting()) {
            AtomicReference<byte[]> last = new AtomicReference<>();
            StartAuthSession.Response started = recordingLast(last).execute(new StartAuthSession(TpmRh.NULL, TpmRh.NULL,
                    tpm.getRandom(32), new byte[0], StartAuthSession.HMAC, SymmetricDefinition.NULL, TpmAlg.SHA256),
                    session);
            tpm.execute(new FlushContext(started.sessionHandle()));
            assertEquals(32, started.nonceTpm().length);
            assertFalse(contains(last.get(), started.nonceTpm()), "nonceTPM went in clear");
        }
    }

    /** libtpms returns no test data, so this shows only that the TPM accepts the encrypt attribute here. */
    @Test
    void getTestResult() {
        try (AuthSession session = encrypting()) {
            GetTestResult.Response plain = tpm.execute(new GetTestResult());
            GetTestResult.Response decrypted = tpm.execute(new GetTestResult(), session);
            assertArrayEquals(plain.outData(), decrypted.outData());
            assertEquals(plain.testResult(), decrypted.testResult());
        }
    }
}
