package io.tpm4j.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.PcrReset;
import io.tpm4j.api.commands.PolicyAuthorize;
import io.tpm4j.api.commands.PolicyPcr;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.policy.Approval;
import io.tpm4j.api.policy.PolicyAuthority;
import io.tpm4j.api.policy.SignedPolicies;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An approval made on the tools' side — openssl's key signs the PCR policy tpm2_policypcr computed, tpm2_policyauthorize
 * computes the policy to seal to, tpm2_verifysignature makes a ticket — is accepted by tpm4j; and one tpm4j made
 * unseals with the tools alone. The tools and tpm4j share one swtpm through tpm4j's server: each tool process is an
 * RM space of its own, whose objects and sessions are flushed when it exits, so what one tool hands the next travels
 * in saved-context files, which the RM lets any space load.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServerSignedPolicyInteropTest extends WithServer {

    private static final byte[] SECRET = "sealed to the tools' authority".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] POLICY_REF = "disk unlock".getBytes(StandardCharsets.US_ASCII);
    private static final int PCR = 16;

    @BeforeEach
    void extendPcr() {
        try (Tpm tpm = client()) {
            tpm.pcrExtend(PCR, new TaggedDigest(TpmAlg.SHA256, new byte[32]));   // a PCR 16 that is not all zeros
        }
    }

    /** Runs before the server and the RM close; after them the RM's own check finds the raw TPM empty as well. */
    @AfterEach
    void nothingLeft() {
        try (Tpm tpm = client()) {
            tpm.execute(new PcrReset(PCR, Authorization.emptyPassword()));
            assertEquals(List.of(), tpm.handles(TpmHt.TRANSIENT), "transient objects left in the client's space");
        }
        WithResourceManager.assertNothingLoaded(raw);
    }

    interface TpmWork<T> {
        T run(Tpm tpm) throws Exception;
    }

    /** Work in a Java client's own connection (an RM space) of the server's raw socket. */
    private <T> T withTpm(TpmWork<T> work) throws Exception {
        try (Tpm tpm = client()) {
            return work.run(tpm);
        }
    }

    /** Runs openssl in {@link #dir}; it must succeed. */
    private void openssl(String... arguments) throws Exception {
        String[] command = new String[arguments.length + 1];
        command[0] = "openssl";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        ProcessResult result = run(Map.of(), command);
        assertEquals(0, result.exitCode(), String.join(" ", command) + ":\n" + result.output());
    }

    private byte[] file(String name) throws Exception {
        return Files.readAllBytes(dir.resolve(name));
    }

    @Test
    void anApprovalFromOpensslAndTheToolsUnsealsInTpm4j() throws Exception {
        // The authority: an openssl key, loaded by the tools to learn the public area and Name the TPM gives it.
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "authority.pem");
        openssl("pkey", "-in", "authority.pem", "-pubout", "-out", "authority.pub.pem");
        Files.write(dir.resolve("ref.bin"), POLICY_REF);
        tools("tpm2_loadexternal", "-Q", "-C", "o", "-G", "ecc", "-u", "authority.pub.pem", "-c", "authority.ctx",
                "-n", "authority.name");
        tools("tpm2_readpublic", "-Q", "-c", "authority.ctx", "-o", "authority.pub");

        // The approved policy (PCR 16 now) and the policy to seal to, each from a trial session of the tools.
        tools("tpm2_startauthsession", "-Q", "-S", "trial.ctx");
        tools("tpm2_policypcr", "-Q", "-S", "trial.ctx", "-l", "sha256:" + PCR, "-L", "pcr.policy");
        tools("tpm2_flushcontext", "trial.ctx");
        tools("tpm2_startauthsession", "-Q", "-S", "trial.ctx");
        tools("tpm2_policyauthorize", "-Q", "-S", "trial.ctx", "-i", "pcr.policy", "-q", "ref.bin", "-n", "authority.name",
                "-L", "authorized.policy");
        tools("tpm2_flushcontext", "trial.ctx");

        // openssl signs approvedPolicy || policyRef (SHA-256: aHash); the tools' TPM checks it into a ticket.
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        signed.write(file("pcr.policy"));
        signed.write(POLICY_REF);
        Files.write(dir.resolve("signed.bin"), signed.toByteArray());
        openssl("dgst", "-sha256", "-sign", "authority.pem", "-out", "approval.sig", "signed.bin");
        tools("tpm2_loadexternal", "-Q", "-C", "o", "-G", "ecc", "-u", "authority.pub.pem", "-c", "authority.ctx");
        tools("tpm2_verifysignature", "-Q", "-c", "authority.ctx", "-g", "sha256", "-m", "signed.bin", "-f", "ecdsa",
                "-s", "approval.sig", "-t", "verified.tkt");

        PublicArea authority = PublicArea.readSized(new TpmReader(file("authority.pub")));
        assertArrayEquals(file("authority.name"), authority.name(), "tpm4j computes the tools' Name");
        Approval approval = new Approval(new PolicyDigest(TpmAlg.SHA256, file("pcr.policy")), POLICY_REF, authority,
                Signatures.fromJcaEcdsa(file("approval.sig"), TpmAlg.SHA256, 32));
        assertTrue(approval.signatureVerifies(), "openssl's signature is over aHash");
        assertArrayEquals(file("authorized.policy"), approval.authorizedPolicy().digest(),
                "tpm2_policyauthorize and tpm4j compute the same policy to seal to");
        Ticket toolsTicket = Ticket.read(new TpmReader(file("verified.tkt")), "TPMT_TK_VERIFIED");

        withTpm(tpm -> {
            Consumer<AuthSession> pcrSteps = s -> tpm.execute(new PolicyPcr(s.handle(), new byte[0],
                    List.of(PcrSelection.of(TpmAlg.SHA256, PCR))));
            try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
                Create.Response sealed = tpm.seal(srk, SECRET, new PolicyDigest(TpmAlg.SHA256, file("authorized.policy")));
                assertArrayEquals(SECRET, SignedPolicies.on(tpm).unseal(srk, sealed, approval, pcrSteps));
                assertEquals(SignedPolicies.on(tpm).verify(approval), toolsTicket, "the tools' ticket is tpm4j's");
                // The tools' own ticket serves tpm4j's PolicyAuthorize just as well.
                assertArrayEquals(SECRET, tpm.unseal(srk, sealed, s -> {
                    pcrSteps.accept(s);
                    tpm.execute(new PolicyAuthorize(s.handle(), approval.approvedPolicy().digest(), POLICY_REF,
                            authority.name(), toolsTicket));
                }));
            }
            return null;
        });
    }

    @Test
    void anApprovalFromTpm4jUnsealsWithTheTools() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        PolicyAuthority authority = PolicyAuthority.of(generator.generateKeyPair());
        byte[] approvalBytes = withTpm(tpm -> authority.approve(PolicyDigest.start(TpmAlg.SHA256).pcr(TpmAlg.SHA256,
                tpm.pcrValues(TpmAlg.SHA256, PCR)), POLICY_REF).toBytes());

        // What travels is the approval's bytes; the tools get its parts in their own file formats.
        Approval approval = Approval.parse(approvalBytes);
        TpmWriter publicFile = new TpmWriter();
        approval.authority().writeSized(publicFile);
        Files.write(dir.resolve("authority.pub"), publicFile.toByteArray());
        TpmWriter signatureFile = new TpmWriter();
        approval.signature().write(signatureFile);
        Files.write(dir.resolve("approval.sig"), signatureFile.toByteArray());
        Files.write(dir.resolve("ahash.bin"), approval.aHash());
        Files.write(dir.resolve("ref.bin"), POLICY_REF);
        Files.write(dir.resolve("secret.bin"), SECRET);

        tools("tpm2_loadexternal", "-Q", "-C", "o", "-u", "authority.pub", "-c", "authority.ctx", "-n", "authority.name");
        assertArrayEquals(approval.authorityName(), file("authority.name"));
        tools("tpm2_verifysignature", "-Q", "-c", "authority.ctx", "-d", "ahash.bin", "-s", "approval.sig",
                "-t", "verified.tkt");
        Files.write(dir.resolve("authorized.policy"), approval.authorizedPolicy().digest());

        tools("tpm2_createprimary", "-Q", "-C", "o", "-c", "primary.ctx");
        tools("tpm2_create", "-Q", "-C", "primary.ctx", "-L", "authorized.policy", "-i", "secret.bin", "-u", "sealed.pub",
                "-r", "sealed.priv");
        tools("tpm2_load", "-Q", "-C", "primary.ctx", "-u", "sealed.pub", "-r", "sealed.priv", "-c", "sealed.ctx");
        tools("tpm2_startauthsession", "-Q", "--policy-session", "-S", "session.ctx");
        tools("tpm2_policypcr", "-Q", "-S", "session.ctx", "-l", "sha256:" + PCR, "-L", "pcr.policy");
        assertArrayEquals(approval.approvedPolicy().digest(), file("pcr.policy"), "the tools reach the approved policy");
        tools("tpm2_policyauthorize", "-Q", "-S", "session.ctx", "-i", "pcr.policy", "-q", "ref.bin", "-n", "authority.name",
                "-t", "verified.tkt");
        String unsealed = tools("tpm2_unseal", "-c", "sealed.ctx", "-p", "session:session.ctx", "-o", "unsealed.bin");
        tools("tpm2_flushcontext", "session.ctx");
        assertArrayEquals(SECRET, file("unsealed.bin"), unsealed);
    }
}
