package io.tpm4j.examples;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.PolicyPcr;
import io.tpm4j.api.commands.Unseal;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.transport.SocketTransport;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.ffi.TpmDevices;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.Space;
import io.tpm4j.rm.TpmChip;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

/**
 * Every Java example in README.md and docs/, between {@code // example: NAME} and {@code // end NAME}: the docs
 * show exactly these lines ({@link DocumentedExamplesTest} compares them and runs each method). What an example
 * takes as given (a device, a message, an SRK) is set up outside its lines.
 */
final class DocumentedExamples {

    private DocumentedExamples() {
    }

    /** Opening the default device: runs only where a TPM exists; elsewhere it must fail saying so. */
    static TpmTransport openDefaultDevice() {
        // example: open-default-device
        TpmTransport device = LinuxTpmDevice.open(TpmDevices.requireDefaultDevice());   // /dev/tpmrm0
        // end open-default-device
        return device;
    }

    static void firstSteps(TpmTransport device) throws Exception {
        byte[] message = "pay 10 EUR to Alice".getBytes();
        // example: first-steps
        try (Tpm tpm = Tpm.on(device)) {
            byte[] random = tpm.getRandom(32);
            byte[] pcr7 = tpm.pcrValues(TpmAlg.SHA256, 7).get(7);
            try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
                 TpmObject key = tpm.load(srk, tpm.create(srk, Templates.eccSigningKey()))) {
                Signature signature = tpm.sign(key, MessageDigest.getInstance("SHA-256").digest(message));
                if (!Signatures.verify(PublicKeys.toPublicKey(key.publicArea()), signature, message)) {   // JCA alone
                    throw new SecurityException("the signature does not verify");
                }
            }   // both flushed here
        }
        // end first-steps
    }

    static byte[] sealAndSessions(Tpm tpm) throws Exception {
        byte[] diskKey = tpm.getRandom(32);
        byte[] objectPassword = "correct horse".getBytes();
        byte[] expectedPcr7 = tpm.pcrValues(TpmAlg.SHA256, 7).get(7);
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
             TpmObject object = tpm.load(srk, tpm.create(srk, Templates.sealedData(),
                     new SensitiveCreate(objectPassword, diskKey)))) {
            // example: seal-and-sessions
            // Seal to the PCR 7 value expected after the next boot, computed offline; unseal through a policy session.
            PolicyDigest policy = PolicyDigest.start(TpmAlg.SHA256).pcr(TpmAlg.SHA256, Map.of(7, expectedPcr7));
            Create.Response sealed = tpm.seal(srk, diskKey, policy);
            byte[] key = tpm.unseal(srk, sealed, session -> tpm.execute(
                    new PolicyPcr(session.handle(), new byte[0], List.of(PcrSelection.of(TpmAlg.SHA256, 7)))));

            // Any command, with an HMAC session salted to the SRK that also encrypts its first parameter both ways.
            try (AuthSession session = tpm.startSession(Session.hmac(TpmAlg.SHA256).salted(srk.handle(), srk.publicArea())
                    .encrypted())) {
                tpm.execute(new Unseal(object.handle(), Authorization.session(session, objectPassword)));
            }
            // end seal-and-sessions
            return key;
        }
    }

    static long resourceManager(TpmTransport device) {
        // example: resource-manager
        TpmChip chip = TpmChip.over(device, "/dev/tpm0");                  // device: LinuxTpmDevice.open(Path.of("/dev/tpm0"))
        ResourceManager rm = ResourceManager.over(chip);                  // lazy swapping, the defaults below
        try (Space space = rm.openSpace("signer"); Tpm tpm = Tpm.on(space)) {
            tpm.getRandom(16);   // a Space is a TpmTransport: everything in the api module works on it unchanged
        }
        rm.counters();    // client commands, TPM commands, context loads/saves, flushes, evictions, refusals
        chip.remove();    // every space now fails with TpmDeviceRemovedException; spaces still close
        // end resource-manager
        return rm.counters().clientCommands();
    }

    static byte[] serverClient(Path socket) {
        // example: server-client
        try (Tpm tpm = Tpm.on(SocketTransport.connectUnix(socket, CommandTimeouts.kernelDefaults()))) {   // /run/tpm4j/tpm.sock
            return tpm.getRandom(16);
        }
        // end server-client
    }

    static byte[] nvIndex(Tpm tpm) {
        // example: nv-index
        int index = 0x01500020;
        byte[] data = "kept across reboots".getBytes();
        tpm.nvDefine(new NvPublic(index, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY,
                NvAttributes.AUTHREAD, NvAttributes.AUTHWRITE, NvAttributes.NO_DA), new byte[0], data.length), new byte[0]);
        try {
            tpm.nvWrite(index, Authorization.emptyPassword(), data);   // sent encrypted, in a session salted to the SRK
            return tpm.nvRead(index, Authorization.emptyPassword());
        } finally {
            tpm.nvUndefine(index);
        }
        // end nv-index
    }
}
