package io.tpm4j.api;

import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.Load;
import io.tpm4j.api.commands.NvDefineSpace;
import io.tpm4j.api.commands.NvRead;
import io.tpm4j.api.commands.NvUndefineSpace;
import io.tpm4j.api.commands.NvWrite;
import io.tpm4j.api.commands.Unseal;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.testing.SocketSwtpm;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Run in a child JVM by {@link TraceRedactionTest} with the TPM logger at TRACE: secrets given as hex arguments
 * (a password, NV data, a sealed object's authValue and data) cross the TPM in clear, without parameter
 * encryption, so that only the trace's redaction can keep them out of the log. Prints "handles" and the NV index
 * and object handles it used; exits non-zero if anything failed or was left loaded.
 */
public final class TraceLogScenario {

    static final int NV_INDEX = 0x01500031;

    private TraceLogScenario() {
    }

    public static void main(String[] args) {
        HexFormat hex = HexFormat.of();
        byte[] password = hex.parseHex(args[0]);
        byte[] nvData = hex.parseHex(args[1]);
        byte[] objectAuth = hex.parseHex(args[2]);
        byte[] sealed = hex.parseHex(args[3]);
        try (SocketSwtpm swtpm = SocketSwtpm.start()) {
            Tpm tpm = Tpm.on(swtpm.unclosable()).withoutParameterEncryption();
            NvPublic nv = new NvPublic(NV_INDEX, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY,
                    NvAttributes.AUTHWRITE, NvAttributes.AUTHREAD, NvAttributes.NO_DA), new byte[0], nvData.length);
            tpm.execute(new NvDefineSpace(TpmRh.OWNER, Authorization.emptyPassword(), password, nv));
            tpm.execute(new NvWrite(NV_INDEX, Authorization.password(password), NV_INDEX, nvData, 0));
            byte[] read = tpm.execute(new NvRead(NV_INDEX, Authorization.password(password), NV_INDEX, nvData.length, 0)).data();
            tpm.execute(new NvUndefineSpace(TpmRh.OWNER, Authorization.emptyPassword(), NV_INDEX));
            check(Arrays.equals(nvData, read), "NV_Read returned what NV_Write wrote");

            try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
                Create.Response created = tpm.execute(new Create(srk.handle(), Authorization.emptyPassword(),
                        new SensitiveCreate(objectAuth, sealed), Templates.sealedData(), new byte[0], List.of()));
                int object = tpm.execute(new Load(srk.handle(), Authorization.emptyPassword(), created.outPrivate(),
                        created.outPublic())).objectHandle();
                try (AuthSession session = tpm.startSession(Session.hmac(TpmAlg.SHA256))) {
                    byte[] unsealed = tpm.execute(new Unseal(object, Authorization.session(session, objectAuth)
                            .forEntity(tpm.nameOf(object)))).outData();
                    check(Arrays.equals(sealed, unsealed), "Unseal returned the sealed data");
                    System.out.printf("handles nv=%08x srk=%08x object=%08x session=%08x%n", NV_INDEX, srk.handle(),
                            object, session.handle());
                } finally {
                    tpm.execute(new FlushContext(object));
                }
            }
            check(tpm.handles(TpmHt.TRANSIENT).isEmpty() && tpm.loadedSessions().isEmpty(), "nothing left loaded");
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("failed: " + what);
        }
    }
}
