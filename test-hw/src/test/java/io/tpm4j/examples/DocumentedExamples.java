package io.tpm4j.examples;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.ContextFiles;
import io.tpm4j.api.KeyImports;
import io.tpm4j.api.RetryPolicy;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.commands.ActivateCredential;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.Duplicate;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.GetRandom;
import io.tpm4j.api.commands.GetSessionAuditDigest;
import io.tpm4j.api.commands.LoadExternal;
import io.tpm4j.api.commands.MakeCredential;
import io.tpm4j.api.commands.PcrRead;
import io.tpm4j.api.commands.PolicyAuthValue;
import io.tpm4j.api.commands.PolicyAuthorize;
import io.tpm4j.api.commands.PolicyCommandCode;
import io.tpm4j.api.commands.PolicyOr;
import io.tpm4j.api.commands.PolicyPcr;
import io.tpm4j.api.commands.PolicySecret;
import io.tpm4j.api.commands.ReadClock;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.commands.Unseal;
import io.tpm4j.api.commands.VerifySignature;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.files.EsysResource;
import io.tpm4j.api.files.ToolsContextFile;
import io.tpm4j.api.keys.Duplicates;
import io.tpm4j.api.keys.ImportBlob;
import io.tpm4j.api.keys.PrivateKeyFiles;
import io.tpm4j.api.keys.SoftwareKey;
import io.tpm4j.api.policy.Approval;
import io.tpm4j.api.policy.ApprovalRefusedException;
import io.tpm4j.api.policy.PolicyAuthority;
import io.tpm4j.api.policy.PolicyIndex;
import io.tpm4j.api.policy.SignedPolicies;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.transport.SocketTransport;
import io.tpm4j.api.types.AlgorithmProperty;
import io.tpm4j.api.types.Attest;
import io.tpm4j.api.types.CapabilityData;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCap;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmPt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.attest.Attester;
import io.tpm4j.attest.Enrollment;
import io.tpm4j.attest.Evidence;
import io.tpm4j.attest.Pending;
import io.tpm4j.attest.Verifier;
import io.tpm4j.attest.ek.EkTrust;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.ffi.TpmDevices;
import io.tpm4j.jca.Tpm4jProvider;
import io.tpm4j.jca.TpmKey;
import io.tpm4j.jca.TpmKeyEntry;
import io.tpm4j.jca.TpmKeyGenParameterSpec;
import io.tpm4j.jca.TpmParent;
import io.tpm4j.jca.csr.CertificationRequest;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.Space;
import io.tpm4j.rm.TpmChip;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.security.auth.x500.X500Principal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.time.Duration;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    static List<Integer> sessionsLeftLoaded(Tpm tpm) {
        // example: sessions-left-loaded
        // The facade keeps its secret channel's session across calls (tpm.close() flushes it): it is not yours
        List<Integer> mine = new ArrayList<>(tpm.loadedSessions());
        mine.removeAll(tpm.secretChannelSessions());
        // end sessions-left-loaded
        return mine;
    }

    static byte[] swtpmForTests() {
        // example: swtpm-for-tests
        try (Swtpm swtpm = Swtpm.startChardev(); Tpm tpm = Tpm.on(swtpm.transport())) {
            tpm.startupIfNeeded();   // a fresh simulator waits for TPM2_Startup, which a chip's firmware has sent
            return tpm.getRandom(16);
        }
        // end swtpm-for-tests
    }

    /** Opening the default device with a longer deadline: runs only where a TPM exists. */
    static TpmTransport openWithTimeout() {
        // example: device-timeouts
        // Each command's deadline is the kernel's duration for it; a TPM known to be slower gets a fixed one.
        LinuxTpmDevice.Options patient = LinuxTpmDevice.Options.defaults().withTimeout(Duration.ofMinutes(2));
        TpmTransport device = LinuxTpmDevice.open(TpmDevices.requireDefaultDevice(), patient);
        // end device-timeouts
        return device;
    }

    static String capabilities(Tpm tpm) {
        // example: capabilities
        Map<Integer, Integer> properties = tpm.allProperties();   // every TPM_PT_* value, fixed and variable
        String manufacturer = new String(ByteBuffer.allocate(4).putInt(properties.get(TpmPt.MANUFACTURER.value()))
                .array(), StandardCharsets.US_ASCII).replace("\0", "");   // e.g. "IFX", "INTC", "IBM"
        int freeObjectSlots = properties.get(TpmPt.HR_TRANSIENT_AVAIL.value());
        int variableCount = tpm.properties(TpmPt.PT_VAR).size();   // the variable group alone
        boolean hasSha384 = tpm.algorithms().stream().anyMatch(a -> a.alg() == TpmAlg.SHA384.value());
        boolean hasAes = tpm.algorithms().stream().anyMatch(a -> a.alg() == TpmAlg.AES.value()
                && a.has(AlgorithmProperty.SYMMETRIC));
        List<PcrSelection> banks = tpm.pcrBanks();                  // the allocated banks and their PCRs
        boolean canEncrypt = tpm.commands().stream().anyMatch(c -> c.commandCode() == TpmCc.ENCRYPT_DECRYPT_2.value());
        List<Integer> persistentKeys = tpm.handles(TpmHt.PERSISTENT);
        List<Integer> nvIndices = tpm.handles(TpmHt.NV_INDEX);
        int openSessions = tpm.loadedSessions().size() + tpm.savedSessions().size();
        // Anything else is one TPM2_GetCapability away, e.g. the ECC curves
        List<Integer> curves = ((CapabilityData.EccCurves) tpm.getCapability(TpmCap.ECC_CURVES, 0, 64).data()).curves();
        // end capabilities
        return manufacturer;
    }

    static ReadClock.Response clock(Tpm tpm) {
        // example: clock
        ReadClock.Response clock = tpm.readClock();
        long sinceStartupMillis = clock.time();   // since the TPM was last powered on or reset
        long lifetimeMillis = clock.clock();      // the TPM's whole powered life; never goes back while clock.safe()
        int resets = clock.resetCount();          // TPM resets (reboots) so far: a quote carries it too
        // end clock
        return clock;
    }

    static boolean pcrs(Tpm tpm, byte[] configFile) throws Exception {
        // example: pcr-extend-and-event
        int pcr = 16;   // the debug PCR, which nothing measures at boot
        byte[] before = tpm.pcrValues(TpmAlg.SHA256, pcr).get(pcr);
        byte[] measurement = MessageDigest.getInstance("SHA-256").digest(configFile);
        tpm.pcrExtend(pcr, new TaggedDigest(TpmAlg.SHA256, measurement));   // one digest per bank you extend

        // A verifier replays the event log: new value = H(old value || measurement)
        MessageDigest replay = MessageDigest.getInstance("SHA-256");
        replay.update(before);
        boolean replayed = Arrays.equals(replay.digest(measurement), tpm.pcrValues(TpmAlg.SHA256, pcr).get(pcr));

        // PCR_Event: the TPM hashes the event in every bank at once, and returns the digests to log
        List<TaggedDigest> logged = tpm.pcrEvent(pcr, "config reloaded".getBytes());
        // pcrRead: one TPM2_PCR_Read, at most 8 values, the response says which (pcrValues loops for you)
        PcrRead.Response bootPcrs = tpm.pcrRead(List.of(PcrSelection.of(TpmAlg.SHA256, 0, 1, 2, 3, 4, 5, 6, 7)));
        // end pcr-extend-and-event
        return replayed && !logged.isEmpty() && bootPcrs.pcrValues().size() == 8;
    }

    static Ticket verifySignature(Tpm tpm, TpmObject srk, byte[] message) throws Exception {
        // example: verify-signature
        try (TpmObject key = tpm.load(srk, tpm.create(srk, Templates.rsaSigningKey()))) {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(message);
            Signature signature = tpm.sign(key, digest);
            // Plain JCA: tpm4j gives the algorithm name and the signature in the encoding JCA expects
            java.security.Signature jca = java.security.Signature.getInstance(Signatures.jcaAlgorithm(signature));
            jca.initVerify(PublicKeys.toPublicKey(key.publicArea()));
            jca.update(message);
            if (!jca.verify(Signatures.toJca(signature))) {
                throw new SecurityException("the signature does not verify");
            }
            // Or let the TPM check it: a ticket when it verifies, TPM_RC_SIGNATURE when it does not
            return tpm.verifySignature(key, digest, signature);
        }
        // end verify-signature
    }

    static byte[] persistentKey(Tpm tpm) {
        // example: persistent-key
        // Owner persistent handles are 0x81000000-0x817FFFFF; take a free one (0x81000001 is usually the SRK)
        List<Integer> taken = tpm.handles(TpmHt.PERSISTENT);
        int handle = 0x81000100;
        while (taken.contains(handle)) {
            handle++;
        }
        byte[] expectedName;
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
            expectedName = srk.name();
            tpm.persist(srk, handle);   // a copy in the TPM's NV, kept across reboots; the transient one is flushed
        }
        try {
            // Later, or in another process: the handle is usable as it is; check it holds the key you expect
            byte[] name = tpm.readPublic(handle).name();
            if (!Arrays.equals(expectedName, name)) {
                throw new SecurityException("another key is persisted at 0x" + Integer.toHexString(handle));
            }
            return name;
        } finally {
            tpm.evict(handle);          // removes it from NV
        }
        // end persistent-key
    }

    static byte[] changeAuth(Tpm tpm, TpmObject srk) {
        byte[] secret = "the old password no longer opens this".getBytes();
        byte[] oldPassword = "initial".getBytes();
        byte[] newPassword = "chosen by the user".getBytes();
        // example: change-auth
        // A sealed object opened with its password (Templates.sealedData() has userWithAuth)
        Create.Response sealed = tpm.create(srk, Templates.sealedData(), new SensitiveCreate(oldPassword, secret));
        byte[] newPrivate;
        try (TpmObject object = tpm.load(srk, sealed)) {
            newPrivate = tpm.changeAuth(object, srk, oldPassword, newPassword);
        }
        // The object is re-made with the new password; delete the old blob, which still opens with the old one
        Create.Response changed = new Create.Response(newPrivate, sealed.outPublic(), new byte[0], new byte[0],
                Sign.nullTicket());
        try (TpmObject object = tpm.load(srk, changed);
             AuthSession session = tpm.startSession(Session.hmac(TpmAlg.SHA256).salted(srk.handle(), srk.publicArea())
                     .encryptingResponses())) {
            // The password proven by an HMAC, never sent; the secret comes back encrypted
            return tpm.execute(new Unseal(object.handle(), Authorization.session(session, newPassword))).outData();
        }
        // end change-auth
    }

    static List<byte[]> hashAndHmac(Tpm tpm, TpmObject srk, byte[] message, byte[] firmwareImage) {
        // example: hash-and-hmac
        byte[] digest = tpm.hash(TpmAlg.SHA256, message);                      // one command, up to 1024 bytes
        byte[] imageDigest = tpm.hashSequence(TpmAlg.SHA256, firmwareImage);   // any length, sent in pieces
        byte[] tag;
        try (TpmObject hmacKey = tpm.load(srk, tpm.create(srk, Templates.hmacKey()))) {
            // The key never leaves the TPM. encryptingTo: data and tag travel in a session salted to the SRK
            // loaded here, instead of one the facade creates and trusts on first use
            tag = tpm.encryptingTo(srk).hmac(hmacKey, message);
        }
        // end hash-and-hmac
        return List.of(digest, imageDigest, tag);
    }

    static byte[] symmetricEncryption(Tpm tpm, TpmObject srk, byte[] backup) {
        // example: symmetric-encryption
        byte[] restored;
        try (TpmObject aes = tpm.load(srk, tpm.create(srk, Templates.aesCfbKey(256)))) {
            byte[] iv = tpm.getRandom(16);   // a fresh IV for every message, stored next to the ciphertext
            byte[] cipherText = tpm.encrypt(aes, iv, backup);
            restored = tpm.decrypt(aes, iv, cipherText);
        }
        // end symmetric-encryption
        return restored;
    }

    static byte[] rsaEncryption(Tpm tpm, TpmObject srk, byte[] dataKey) throws Exception {
        // example: rsa-encryption
        byte[] unwrapped;
        try (TpmObject key = tpm.load(srk, tpm.create(srk, Templates.rsaDecryptionKey()))) {
            // Anyone encrypts to the public key with JCA alone: OAEP with SHA-256, the key's scheme
            Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
            oaep.init(Cipher.ENCRYPT_MODE, PublicKeys.toPublicKey(key.publicArea()), new OAEPParameterSpec("SHA-256",
                    "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
            byte[] wrapped = oaep.doFinal(dataKey);
            unwrapped = tpm.rsaDecrypt(key, wrapped);              // only this TPM can undo it
            byte[] wrappedByTheTpm = tpm.rsaEncrypt(key, dataKey);   // the same encryption, done by the TPM
        }
        // end rsa-encryption
        return unwrapped;
    }

    static boolean quote(Tpm tpm, TpmObject srk, byte[] nonce) throws Exception {
        // example: quote
        // nonce: fresh from the verifier, so that an old quote cannot be replayed
        try (TpmObject ak = tpm.load(srk, tpm.create(srk, Templates.eccAttestationKey()))) {
            SignedAttest quote = tpm.quote(ak, nonce, List.of(PcrSelection.of(TpmAlg.SHA256, 0, 1, 2, 3, 4, 5, 6, 7)));

            // The verifier's side, with the AK public key it trusts (see the endorsement key below): the
            // signature over the exact bytes, then the fields inside them
            Attest attest = quote.attest();
            boolean signedByTheAk = Signatures.verify(PublicKeys.toPublicKey(ak.publicArea()), quote.signature(),
                    attest.bytes());
            boolean fresh = Arrays.equals(nonce, attest.extraData());
            // The quoted digest is H(PCR 0 || ... || PCR 7): compare with the values the event log predicts
            // (read from the TPM here, for brevity)
            MessageDigest expected = MessageDigest.getInstance("SHA-256");
            tpm.pcrValues(TpmAlg.SHA256, 0, 1, 2, 3, 4, 5, 6, 7).values().forEach(expected::update);
            boolean pcrsAsExpected = Arrays.equals(expected.digest(), ((Attest.Quote) attest.attested()).pcrDigest());
            return signedByTheAk && fresh && pcrsAsExpected;
        }
        // end quote
    }

    static boolean certify(Tpm tpm, TpmObject srk, byte[] challenge) {
        // example: certify
        // The AK vouches that a key lives in this TPM, with the attributes its Name covers (e.g. fixedTPM):
        // what a CA checks before it certifies the key
        try (TpmObject ak = tpm.load(srk, tpm.create(srk, Templates.eccAttestationKey()));
             TpmObject key = tpm.load(srk, tpm.create(srk, Templates.eccSigningKey()))) {
            SignedAttest certification = tpm.certify(key, ak, challenge);
            Attest attest = certification.attest();
            return Signatures.verify(PublicKeys.toPublicKey(ak.publicArea()), certification.signature(), attest.bytes())
                    && Arrays.equals(challenge, attest.extraData())
                    && Arrays.equals(key.publicArea().name(), ((Attest.Certify) attest.attested()).name());
        }
        // end certify
    }

    static byte[] endorsementKey(Tpm tpm, byte[] credential) {
        // example: endorsement-key
        // The EK comes from the TPM's endorsement seed: the same template always gives the same key, and the
        // manufacturer's certificate for it is in NV (0x01C0000A for this ECC P-256 EK, 0x01C00002 for RSA-2048).
        try (TpmObject ek = tpm.createPrimary(TpmRh.ENDORSEMENT, Templates.ekEccP256());
             TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
             TpmObject ak = tpm.load(srk, tpm.create(srk, Templates.eccAttestationKey()))) {
            // A CA that trusts the EK (ek.publicArea()) encrypts a credential to it, bound to the AK's Name.
            // MakeCredential needs only public data: here this TPM does it; a CA can use TPM2_LoadExternal on its own.
            MakeCredential.Response challenge = tpm.execute(new MakeCredential(ek.handle(), credential, ak.name()));
            // The EK works only through its policy (Policy A of the EK profile): PolicySecret with the endorsement
            // hierarchy. Only a TPM holding both the EK and that AK recovers the credential.
            try (AuthSession ekPolicy = tpm.startSession(Session.policy(TpmAlg.SHA256))) {
                tpm.execute(new PolicySecret(TpmRh.ENDORSEMENT, Authorization.emptyPassword(), ekPolicy.handle(),
                        new byte[0], new byte[0], new byte[0], 0));
                return tpm.execute(new ActivateCredential(ak.handle(), Authorization.emptyPassword(), ek.handle(),
                        Authorization.policy(ekPolicy), challenge.credentialBlob(), challenge.secret())).certInfo();
            }
        }
        // end endorsement-key
    }

    static Signature signInSecretSession(Tpm tpm, TpmObject key, byte[] digest) {
        // example: secret-session
        // The session's HMAC covers the key's Name: a handle that now names another key is refused by the TPM,
        // and the signature comes back authenticated by the response HMAC. No extra command.
        Signature signature = tpm.inSecretSession(session -> tpm.execute(new Sign(key.handle(),
                Authorization.session(session, new byte[0]).forEntity(key.name()), digest, Scheme.NULL, Sign.nullTicket())))
                .signature();
        // end secret-session
        return signature;
    }

    static boolean duplicateAndImport(Tpm tpm, TpmObject srk) {
        // example: duplicate-and-import
        // Duplication is always authorised by a policy: this key's allows TPM2_Duplicate (PolicyCommandCode).
        PolicyDigest mayDuplicate = PolicyDigest.start(TpmAlg.SHA256).commandCode(TpmCc.DUPLICATE);
        PublicArea signing = Templates.eccSigningKey();
        PublicArea movable = new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.SENSITIVE_DATA_ORIGIN,
                ObjectAttributes.USER_WITH_AUTH, ObjectAttributes.SIGN_ENCRYPT), mayDuplicate.digest(),
                signing.parameters(), signing.unique());   // no fixedTPM, no fixedParent
        // Three objects are loaded at once below, all that /dev/tpmrm0 allows: secrets go in a session salted to
        // this SRK rather than to one the facade would load
        Tpm secured = tpm.encryptingTo(srk);
        Create.Response created = secured.create(srk, movable);
        try (TpmObject newParent = secured.load(srk, secured.create(srk, Templates.srkEccP256()))) {
            Duplicate.Response duplicate;
            try (TpmObject key = secured.load(srk, created);
                 AuthSession policy = secured.startSession(Session.policy(TpmAlg.SHA256))) {
                secured.execute(new PolicyCommandCode(policy.handle(), TpmCc.DUPLICATE.value()));
                duplicate = secured.duplicate(key, Authorization.policy(policy), newParent);
            }
            // Where the new parent lives: import, then load under it like any child
            Create.Response imported = secured.importDuplicate(newParent, created.outPublic(), duplicate);
            try (TpmObject moved = secured.load(newParent, imported)) {
                return Arrays.equals(created.outPublic().name(), moved.name());   // the same key, under another parent
            }
        }
        // end duplicate-and-import
    }

    static byte[] sealWithPcrAndPin(Tpm tpm, TpmObject srk, byte[] diskKey, byte[] pin) {
        // example: seal-pcr-and-pin
        // Released only while PCR 7 (the Secure Boot state) has its present value, and to whoever knows the PIN
        byte[] pcr7 = tpm.pcrValues(TpmAlg.SHA256, 7).get(7);
        PolicyDigest policy = PolicyDigest.start(TpmAlg.SHA256).pcr(TpmAlg.SHA256, Map.of(7, pcr7)).authValue();
        Create.Response sealed = tpm.seal(srk, diskKey, policy, pin);
        // The same assertions, in the same order, on a policy session; the PIN keys the command's HMAC
        byte[] unsealed = tpm.unseal(srk, sealed, session -> {
            tpm.execute(new PolicyPcr(session.handle(), new byte[0], List.of(PcrSelection.of(TpmAlg.SHA256, 7))));
            tpm.execute(new PolicyAuthValue(session.handle()));
        }, Authorization.PolicyProof.AUTH_VALUE, pin);
        // end seal-pcr-and-pin
        return unsealed;
    }

    static List<byte[]> sealWithPolicyOr(Tpm tpm, TpmObject srk, byte[] diskKey, byte[] recoveryPassword) {
        byte[] pcr7 = tpm.pcrValues(TpmAlg.SHA256, 7).get(7);
        // example: seal-policy-or
        // Either branch unseals: PCR 7 as it is now (unattended boot), or the recovery password (after an update)
        PolicyDigest start = PolicyDigest.start(TpmAlg.SHA256);
        PolicyDigest unattended = start.pcr(TpmAlg.SHA256, Map.of(7, pcr7));
        PolicyDigest recovery = start.authValue();
        Create.Response sealed = tpm.seal(srk, diskKey, start.or(List.of(unattended, recovery)), recoveryPassword);
        List<byte[]> branches = List.of(unattended.digest(), recovery.digest());

        // Satisfy one branch, then PolicyOR with the list of all of them
        byte[] atBoot = tpm.unseal(srk, sealed, session -> {
            tpm.execute(new PolicyPcr(session.handle(), new byte[0], List.of(PcrSelection.of(TpmAlg.SHA256, 7))));
            tpm.execute(new PolicyOr(session.handle(), branches));
        });
        byte[] recovered = tpm.unseal(srk, sealed, session -> {
            tpm.execute(new PolicyAuthValue(session.handle()));
            tpm.execute(new PolicyOr(session.handle(), branches));
        }, Authorization.PolicyProof.AUTH_VALUE, recoveryPassword);
        // end seal-policy-or
        return List.of(atBoot, recovered);
    }

    static byte[] sealWithPolicySecret(Tpm tpm, TpmObject srk, byte[] apiToken) {
        // example: seal-policy-secret
        // Whoever can authorise the owner hierarchy may unseal: PolicySecret names an entity, not a password,
        // so the secret follows the owner password when it changes
        byte[] ownerName = tpm.nameOf(TpmRh.OWNER);   // a permanent handle's Name is the handle itself
        Create.Response sealed = tpm.seal(srk, apiToken, PolicyDigest.start(TpmAlg.SHA256).secret(ownerName, new byte[0]));
        byte[] token = tpm.unseal(srk, sealed, session -> tpm.execute(new PolicySecret(TpmRh.OWNER,
                Authorization.emptyPassword(), session.handle(), new byte[0], new byte[0], new byte[0], 0)));
        // end seal-policy-secret
        return token;
    }

    static byte[] sealWithPolicyAuthorize(Tpm tpm, TpmObject srk, byte[] diskKey) throws Exception {
        byte[] pcr7 = tpm.pcrValues(TpmAlg.SHA256, 7).get(7);
        // example: seal-policy-authorize
        // Sealed to a signing authority instead of fixed PCR values: after an update the authority signs the new
        // PCR policy, and the same sealed object keeps working
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair authority = generator.generateKeyPair();   // in practice kept offline
        PublicArea authorityPublic = PublicKeys.toPublicArea(authority.getPublic(), TpmAlg.SHA256);
        byte[] policyRef = "disk unlock".getBytes();
        Create.Response sealed = tpm.seal(srk, diskKey,
                PolicyDigest.start(TpmAlg.SHA256).authorize(authorityPublic.name(), policyRef));

        // The authority approves "PCR 7 has this value" by signing approvedPolicy || policyRef
        PolicyDigest approved = PolicyDigest.start(TpmAlg.SHA256).pcr(TpmAlg.SHA256, Map.of(7, pcr7));
        java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA");
        signer.initSign(authority.getPrivate());
        signer.update(approved.digest());
        signer.update(policyRef);
        Signature approval = Signatures.fromJcaEcdsa(signer.sign(), TpmAlg.SHA256, 32);

        // On the machine: the TPM checks the approval once, giving a ticket the policy session then presents
        MessageDigest aHash = MessageDigest.getInstance("SHA-256");
        aHash.update(approved.digest());
        LoadExternal.Response loaded = tpm.execute(new LoadExternal(authorityPublic, TpmRh.OWNER));
        Ticket ticket;
        try {
            ticket = tpm.execute(new VerifySignature(loaded.objectHandle(), aHash.digest(policyRef), approval))
                    .validation();
        } finally {
            tpm.execute(new FlushContext(loaded.objectHandle()));
        }
        byte[] unsealed = tpm.unseal(srk, sealed, session -> {
            tpm.execute(new PolicyPcr(session.handle(), new byte[0], List.of(PcrSelection.of(TpmAlg.SHA256, 7))));
            tpm.execute(new PolicyAuthorize(session.handle(), approved.digest(), policyRef, authorityPublic.name(),
                    ticket));
        });
        // end seal-policy-authorize
        return unsealed;
    }

    static boolean hmacSession(Tpm tpm, TpmObject srk, byte[] message) throws Exception {
        byte[] keyPassword = "key password".getBytes();
        // example: hmac-session
        // A key with a password. A salted session proves the password with an HMAC, never sending it, and keys
        // that HMAC with a secret only the TPM could decrypt, so a recorded bus gives nothing to guess against.
        Create.Response created = tpm.create(srk, Templates.eccSigningKey(), new SensitiveCreate(keyPassword, new byte[0]));
        try (TpmObject key = tpm.load(srk, created);
             AuthSession session = tpm.startSession(Session.hmac(TpmAlg.SHA256).salted(srk.handle(), srk.publicArea()))) {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(message);
            // The facade's sign() assumes an empty password; the typed command takes any authorisation
            Signature signature = tpm.execute(new Sign(key.handle(), Authorization.session(session, keyPassword),
                    digest, Scheme.NULL, Sign.nullTicket())).signature();
            return Signatures.verify(PublicKeys.toPublicKey(key.publicArea()), signature, message);
        }
        // end hmac-session
    }

    static boolean auditSession(Tpm tpm, TpmObject srk, byte[] nonce) {
        // example: audit-session
        // The TPM keeps a digest of every command and response sent with an audit session, and signs it on request
        try (TpmObject ak = tpm.load(srk, tpm.create(srk, Templates.eccAttestationKey()));
             AuthSession audit = tpm.startSession(Session.hmac(TpmAlg.SHA256).audited())) {
            tpm.execute(new GetRandom(16), audit);   // an extra session: it audits, and authorises nothing
            tpm.execute(new GetRandom(16), audit);
            SignedAttest report = tpm.execute(new GetSessionAuditDigest(TpmRh.ENDORSEMENT, Authorization.emptyPassword(),
                    ak.handle(), Authorization.emptyPassword(), audit.handle(), nonce, Scheme.NULL));
            // Signed by the AK, and equal to the digest tpm4j kept of what it sent and verified: nothing is missing
            return Signatures.verify(PublicKeys.toPublicKey(ak.publicArea()), report.signature(), report.attest().bytes())
                    && Arrays.equals(audit.auditDigest(), ((Attest.SessionAudit) report.attest().attested()).sessionDigest());
        }
        // end audit-session
    }

    static List<byte[]> nvCounterAndExtend(Tpm tpm) {
        // example: nv-counter-and-extend
        int counterIndex = 0x01500021;
        int logIndex = 0x01500022;
        // No index password (the second argument): anyone may read, increment and extend these two
        NvAttributes counterAttributes = NvAttributes.of(NvAttributes.Type.COUNTER, NvAttributes.AUTHREAD,
                NvAttributes.AUTHWRITE, NvAttributes.NO_DA);
        NvAttributes logAttributes = NvAttributes.of(NvAttributes.Type.EXTEND, NvAttributes.AUTHREAD,
                NvAttributes.AUTHWRITE, NvAttributes.NO_DA);
        tpm.nvDefine(new NvPublic(counterIndex, TpmAlg.SHA256, counterAttributes, new byte[0], 8), new byte[0]);
        tpm.nvDefine(new NvPublic(logIndex, TpmAlg.SHA256, logAttributes, new byte[0], 32), new byte[0]);
        long before;
        long after;
        byte[] log;
        try {
            // A counter only goes up: its first increment starts it from the highest value any counter in this
            // TPM ever had, so deleting and re-defining it cannot roll it back
            tpm.nvIncrement(counterIndex, Authorization.emptyPassword());
            before = ByteBuffer.wrap(tpm.nvRead(counterIndex, Authorization.emptyPassword())).getLong();
            tpm.nvIncrement(counterIndex, Authorization.emptyPassword());
            after = ByteBuffer.wrap(tpm.nvRead(counterIndex, Authorization.emptyPassword())).getLong();
            // An extend index works like a PCR of your own: new value = H(old value || data)
            tpm.nvExtend(logIndex, Authorization.emptyPassword(), "update 1.2.3 installed".getBytes());
            log = tpm.nvRead(logIndex, Authorization.emptyPassword());
            NvPublic definition = tpm.nvReadPublic(logIndex).nvPublic();   // attributes now include WRITTEN
        } finally {
            tpm.nvUndefine(counterIndex);
            tpm.nvUndefine(logIndex);
        }
        // end nv-counter-and-extend
        return List.of(ByteBuffer.allocate(8).putLong(after - before).array(), log);
    }

    static byte[] configureTpm(TpmTransport device) {
        // example: configure-tpm
        // Each with...() gives a new Tpm over the same transport; the one you had is unchanged.
        RetryPolicy patient = new RetryPolicy(12, Duration.ofMillis(20), Duration.ofSeconds(2),
                EnumSet.of(TpmRc.RETRY, TpmRc.YIELDED, TpmRc.TESTING, TpmRc.NV_RATE));   // e.g. while it self-tests
        Tpm tpm = Tpm.on(device).withRetries(patient);
        Tpm strict = tpm.withRetries(RetryPolicy.none());    // every warning straight to the caller
        Tpm unprotected = tpm.withoutParameterEncryption();  // secrets in clear: only for a TPM without salted sessions
        RetryPolicy inForce = unprotected.retries();         // still the patient policy
        TpmTransport shared = strict.transport();            // one transport: close it once, through any of them
        byte[] random = tpm.getRandom(16);
        // end configure-tpm
        return random;
    }

    static String errorHandling(Tpm tpm, TpmObject srk, Create.Response sealed, byte[] enteredPin) {
        // example: error-handling
        try {
            byte[] secret = tpm.unseal(srk, sealed, session -> tpm.execute(new PolicyAuthValue(session.handle())),
                    Authorization.PolicyProof.AUTH_VALUE, enteredPin);
            return "unsealed " + secret.length + " bytes";
        } catch (TpmResponseException e) {
            // The TPM's answer, decoded: its name and meaning, and which handle, session or parameter it is about
            ResponseCode code = e.responseCode();
            if (e.is(TpmRc.AUTH_FAIL) || e.is(TpmRc.BAD_AUTH)) {
                return "wrong PIN: " + code.describe();   // TPM_RC_BAD_AUTH (0x000009a2): ... — session 1
            }
            if (e.is(TpmRc.LOCKOUT)) {
                return "too many wrong PINs: the TPM refuses until its lockout interval has passed";
            }
            throw e;   // its message names the command and the code
        } catch (TpmDeviceRemovedException e) {
            // Never retried: the chip, its driver or the emulator is gone. Open the device again once it is back.
            return "the TPM went away: " + e.getMessage();
        }
        // end error-handling
    }

    static Tpm4jProvider jcaProvider(String configuration) {
        // example: jca-provider
        Tpm4jProvider provider = new Tpm4jProvider().configure(configuration);   // e.g. "device:/dev/tpmrm0"
        Security.addProvider(provider);   // after the JDK's own providers: delayed selection gives it TPM keys only
        // end jca-provider
        return provider;
    }

    static boolean jcaSign(Tpm4jProvider provider, byte[] message) throws Exception {
        // example: jca-sign
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
        generator.initialize(TpmKeyGenParameterSpec.ec("P-256").build());   // under the SRK, no password
        KeyPair pair = generator.generateKeyPair();   // the private half (a TpmEcKey) never leaves the TPM

        // No provider named: the JDK tries the installed providers and tpm4j takes the TPM key (one TPM2_Sign)
        java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        signer.update(message);
        byte[] signature = signer.sign();   // DER, as SunEC gives it

        java.security.Signature verifier = java.security.Signature.getInstance("SHA256withECDSA");   // SunEC's
        verifier.initVerify(pair.getPublic());   // an ordinary ECPublicKey
        verifier.update(message);
        boolean valid = verifier.verify(signature);
        // end jca-sign
        return valid;
    }

    /** The key, for the key store examples, and the certificate request for it in PEM. */
    record KeyAndRequest(KeyPair pair, String requestPem) {
    }

    static KeyAndRequest jcaCertificationRequest(Tpm4jProvider provider) throws Exception {
        // example: jca-csr
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
        // Under the primary key that TSS2 key files name (as tpm2-openssl does): the key can go to a file: alias
        generator.initialize(TpmKeyGenParameterSpec.ec("P-256").parent(TpmParent.keyFilePrimary()).build());
        KeyPair pair = generator.generateKeyPair();
        CertificationRequest request = CertificationRequest.builder(new X500Principal("CN=device-17"), pair.getPublic())
                .dnsName("localhost")
                .keyUsage(CertificationRequest.KeyUsage.DIGITAL_SIGNATURE)
                .extendedKeyUsage(CertificationRequest.SERVER_AUTH)
                .sign(java.security.Signature.getInstance("SHA256withECDSA"), pair.getPrivate());   // in the TPM
        String pem = request.toPem();   // -----BEGIN CERTIFICATE REQUEST-----, for the CA
        // end jca-csr
        return new KeyAndRequest(pair, pem);
    }

    /** The key store of a file: alias, and what it gave back for the alias. */
    record StoredKey(KeyStore store, PrivateKey key, Certificate[] chain) {
    }

    static StoredKey jcaKeyStoreFile(KeyPair pair, Certificate[] chain, Path keyFile) throws Exception {
        // example: jca-keystore-file
        KeyStore store = KeyStore.getInstance("TPM");   // tpm4j's (installed); its aliases are URIs
        store.load(null, null);
        String alias = "file:" + keyFile;   // an absolute path, e.g. /etc/myapp/tls-key.pem
        store.setKeyEntry(alias, pair.getPrivate(), null, chain);   // a TSS2 PRIVATE KEY file, the chain beside it

        // Later, in this process or another (tpm2-openssl reads the same file too)
        PrivateKey key = (PrivateKey) store.getKey(alias, null);   // the key has no password
        Certificate[] certificates = store.getCertificateChain(alias);   // leaf first, from tls-key.crt.pem
        // end jca-keystore-file
        return new StoredKey(store, key, certificates);
    }

    static byte[] jcaKeyStoreHandle(KeyStore store, TpmKey key, byte[] message) throws Exception {
        // example: jca-keystore-handle
        String alias = "handle:0x81000100";   // a free persistent handle: store.aliases() lists those taken
        store.setEntry(alias, TpmKeyEntry.withoutChain(key), null);   // TPM2_EvictControl: kept across reboots
        PrivateKey persistent = (PrivateKey) store.getKey(alias, null);
        java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA");
        signer.initSign(persistent);
        signer.update(message);
        byte[] signature = signer.sign();
        store.deleteEntry(alias);   // evicts the key from the TPM
        // end jca-keystore-handle
        return signature;
    }

    static SSLServerSocket jcaTls(Path keyFile, int port) throws Exception {
        // example: jca-tls
        KeyStore store = KeyStore.getInstance("TPM");
        store.load(null, null);
        store.getKey("file:" + keyFile, null);   // aliases() lists the file: aliases this store object has read
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("SunX509");   // the JDK's own
        keyManagers.init(store, null);   // the store's keys that have a chain; null: keys without a password
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        // Each handshake's signature is made in the TPM: the JDK picks tpm4j for the key by delayed selection
        SSLServerSocket server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(port);   // e.g. 8443
        // end jca-tls
        return server;
    }

    static byte[] jcaSecureRandom(Tpm4jProvider provider, byte[] entropy) throws Exception {
        // example: jca-secure-random
        SecureRandom random = SecureRandom.getInstance("TPM", provider);   // TPM2_GetRandom; thread-safe
        byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        random.setSeed(entropy);   // TPM2_StirRandom: adds to the TPM's entropy, never replaces it
        // end jca-secure-random
        return nonce;
    }

    static io.tpm4j.attest.Verdict attestation(Tpm tpm, Optional<Path> firmwareLog, Optional<Path> imaLog,
                                               X509Certificate manufacturerRoot, X509Certificate intermediate)
            throws Exception {
        // example: attestation-flow
        // On the machine with the TPM: its EK certificate from NV, the EK, and an AK made under the EK; the logs
        // default to this machine's (/sys/kernel/security/tpm0/binary_bios_measurements, ima/...)
        Attester attester = Attester.on(tpm).withFirmwareLog(firmwareLog).withImaLog(imaLog);
        Enrollment enrollment = attester.enroll();
        // At the verifier, which needs no TPM: EK certificates must chain to the TPM manufacturer's root
        Verifier verifier = Verifier.trustingEkCertificates(EkTrust.roots(manufacturerRoot).withIntermediates(intermediate));
        Pending pending = verifier.start(enrollment);                 // EK and AK checked; a nonce and a credential made
        Evidence evidence = attester.respond(pending.challenge());    // credential activated, PCRs quoted, logs read
        io.tpm4j.attest.Verdict verdict = pending.finish(evidence);   // Trusted, or Rejected with every reason
        // Enrollment, Challenge and Evidence cross the network as toBytes() and parse(bytes)
        // end attestation-flow
        return verdict;
    }

    static Create.Response signedPolicySeal(Tpm tpm, TpmObject srk, byte[] diskKey, KeyPair authorityKeys) {
        // example: signed-policy-seal
        // Once, where the disk is set up: sealed to "any PCR state the authority signs", for one use (the policyRef)
        PolicyAuthority authority = PolicyAuthority.of(authorityKeys);   // only its public part is needed here
        byte[] policyRef = "disk unlock".getBytes();
        Create.Response sealed = tpm.seal(srk, diskKey, authority.authorizedPolicy(TpmAlg.SHA256, policyRef));
        // end signed-policy-seal
        return sealed;
    }

    static byte[] signedPolicyApprove(KeyPair authorityKeys, byte[] expectedPcr7) {
        // example: signed-policy-approve
        // At the authority, offline, for each release: approve the PCR 7 value the release will measure
        PolicyAuthority authority = PolicyAuthority.of(authorityKeys);
        PolicyDigest pcrPolicy = PolicyDigest.start(TpmAlg.SHA256).pcr(TpmAlg.SHA256, Map.of(7, expectedPcr7));
        byte[] approval = authority.approve(pcrPolicy, "disk unlock".getBytes()).toBytes();   // ships with the release
        // end signed-policy-approve
        return approval;
    }

    static byte[] signedPolicyUnseal(Tpm tpm, TpmObject srk, Create.Response sealed, byte[] approval) {
        // example: signed-policy-unseal
        // On the machine: the TPM checks the approval's signature (a ticket), the session proves PCR 7 has the
        // approved value, and PolicyAuthorize turns that into the policy the object is sealed to
        try {
            return SignedPolicies.on(tpm).unseal(srk, sealed, Approval.parse(approval), session -> tpm.execute(
                    new PolicyPcr(session.handle(), new byte[0], List.of(PcrSelection.of(TpmAlg.SHA256, 7)))));
        } catch (ApprovalRefusedException e) {
            // e.reason(): BAD_SIGNATURE, NOT_FOR_THIS_OBJECT (another key or policyRef) or STATE_NOT_APPROVED (PCR 7
            // is not the approved value); e.tpmResponse(): the TPM's command and response code, where it refused
            throw new IllegalStateException("the disk stays locked: " + e.getMessage(), e);
        }
        // end signed-policy-unseal
    }

    static List<Object> signedPolicyNv(Tpm tpm, TpmObject srk, byte[] diskKey, byte[] nextPcr7) {
        // example: signed-policy-nv
        // The policy lives in an NV index the owner writes; objects are sealed to the index, not to the policy
        PolicyIndex index = PolicyIndex.define(tpm, 0x01500020, PolicyDigest.start(TpmAlg.SHA256)
                .pcr(TpmAlg.SHA256, tpm.pcrValues(TpmAlg.SHA256, 7)));
        Create.Response sealed = tpm.seal(srk, diskKey, index.authorizedPolicy());
        java.util.function.Consumer<AuthSession> pcr7 = session -> tpm.execute(new PolicyPcr(session.handle(),
                new byte[0], List.of(PcrSelection.of(TpmAlg.SHA256, 7))));
        byte[] key = tpm.unseal(srk, sealed, index.authorize(pcr7));

        // Rewriting the index changes the policy of every object sealed to it: today's PCR 7 value is revoked
        index.write(PolicyDigest.start(TpmAlg.SHA256).pcr(TpmAlg.SHA256, Map.of(7, nextPcr7)));
        ApprovalRefusedException.Reason afterRewrite = null;
        try {
            tpm.unseal(srk, sealed, index.authorize(pcr7));
        } catch (ApprovalRefusedException e) {
            afterRewrite = e.reason();   // STATE_NOT_APPROVED: TPM2_PolicyAuthorizeNV answered TPM_RC_VALUE
        }
        index.undefine();   // once no object needs it
        // end signed-policy-nv
        return Arrays.asList(key, afterRewrite);
    }

    static boolean importSoftwareKey(Tpm tpm, TpmObject srk, Path keyFile, byte[] message) throws Exception {
        // example: import-software-key
        // On a server: a key from a PEM file (PKCS#8, or OpenSSL's BEGIN EC/RSA PRIVATE KEY), wrapped in software
        // for the device's SRK, of which the server knows only the public area (sent at enrollment, say)
        KeyPair pair = PrivateKeyFiles.read(keyFile);   // or a KeyPair from the JDK; SecretKeys for HMAC and AES
        PublicArea deviceSrk = srk.publicArea();
        ImportBlob blob = Duplicates.wrap(SoftwareKey.of(pair), deviceSrk);   // add InnerWrapper.aes128Cfb() for an inner wrapper
        // On the device: TPM2_Import turns the blob into a private blob for its SRK, stored and loaded as a created key's
        Create.Response imported = KeyImports.importKey(tpm, srk, blob);   // TPM_RC_INTEGRITY if made for another parent
        try (TpmObject key = tpm.load(srk, imported)) {
            Signature signature = tpm.sign(key, MessageDigest.getInstance("SHA-256").digest(message));
            return Signatures.verify(pair.getPublic(), signature, message);   // the original public key verifies it
        }
        // end import-software-key
    }

    static byte[] loadExternalHmacKey(Tpm tpm, byte[] hmacKey, byte[] data) {
        // example: load-external-private
        SoftwareKey key = SoftwareKey.of(new SecretKeySpec(hmacKey, "HmacSHA256"));   // "AES" makes an AES-CFB key
        try (TpmObject loaded = KeyImports.loadExternal(tpm, key)) {   // in clear, into the NULL hierarchy
            return tpm.hmac(loaded, data);   // what the JDK's HmacSHA256 computes with the same key
        }
        // end load-external-private
    }

    static Signature contextFiles(Tpm tpm, TpmObject srk, Path dir, byte[] digest) throws Exception {
        // example: context-files
        // A key saved for tpm2-tools: `tpm2_sign -c key.ctx -g sha256 -o key.sig message.txt` signs with it
        try (TpmObject key = tpm.load(srk, tpm.create(srk, Templates.eccSigningKey()))) {
            ContextFiles.save(tpm, key).write(dir.resolve("key.ctx"));   // TPM2_ContextSave, with ESAPI's metadata
        }
        // A key a shell script saved (`tpm2_load ... -c key.ctx`), used in this connection to the same TPM
        ToolsContextFile file = ToolsContextFile.read(dir.resolve("key.ctx"));   // malformed: TpmProtocolException
        Signature signature;
        try (TpmObject key = ContextFiles.load(tpm, (ToolsContextFile.Saved) file)) {   // the file must name this key
            signature = tpm.sign(key, digest);
        }
        // Persistent handles travel as Esys_TR_Serialize blobs (tpm2_evictcontrol -o, tpm2-pytss tr_serialize)
        int handle = 0x81000001;
        tpm.persist(srk, handle);
        Files.write(dir.resolve("srk.tr"), ContextFiles.serialize(tpm, handle).toBytes());
        EsysResource persistent = EsysResource.parse(Files.readAllBytes(dir.resolve("srk.tr")));
        ContextFiles.verify(tpm, persistent);   // the key at the file's handle is the key the file names
        tpm.evict(persistent.handle());
        // end context-files
        return signature;
    }
}
