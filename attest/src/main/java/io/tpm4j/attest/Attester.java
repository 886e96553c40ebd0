package io.tpm4j.attest;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.attest.credential.ActivationException;
import io.tpm4j.attest.credential.AkTemplate;
import io.tpm4j.attest.credential.AttestationKeys;
import io.tpm4j.attest.credential.CredentialActivation;
import io.tpm4j.attest.credential.LoadedEk;
import io.tpm4j.attest.ek.EkCertificateException;
import io.tpm4j.attest.ek.EkSlot;
import io.tpm4j.attest.ek.EndorsementKeys;
import io.tpm4j.attest.quote.SignedAttestation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The attester's side of an attestation, on the machine with the TPM. Round 1, {@link #enroll()}: the EK, its
 * certificate and chain from NV, and an AK created under the EK. Round 2, {@link #respond}: the challenge's credential
 * activated (proof that the AK is in the EK's TPM), the PCRs quoted by the AK with the challenge's nonce, the
 * measurement logs read. Each call flushes what it loads; between the two rounds this object keeps the AK's private
 * blob (encrypted by the TPM, usable only in it). Configure first: each {@code with...} returns a new attester without
 * an enrollment.
 */
public final class Attester {

    private static final Logger log = LoggerFactory.getLogger(Attester.class);

    public static final Path FIRMWARE_LOG = Path.of("/sys/kernel/security/tpm0/binary_bios_measurements");
    public static final Path IMA_LOG = Path.of("/sys/kernel/security/ima/binary_runtime_measurements");
    /** The PCRs quoted by default: the firmware's; PCR 10 is added when an IMA list is readable. */
    public static final Set<Integer> DEFAULT_PCRS = Verifier.FIRMWARE_PCRS;
    private static final int IMA_PCR = 10;
    /** Logs read, PCRs read, quote, PCRs and logs read again: tries until nothing moved in between. */
    private static final int ATTEMPTS = 3;
    private static final byte[] NO_AUTH = new byte[0];

    private record Enrolled(EkSlot slot, Create.Response ak) {
    }

    /** What was measured: the quote, the PCR values read around it, the logs. */
    private record Measured(SignedAttestation quote, PcrValues pcrs, Optional<byte[]> firmware,
                            Optional<byte[]> ima) {
    }

    private final Tpm tpm;
    private final TpmAlg bank;
    private final Optional<SortedSet<Integer>> pcrs;
    private final Optional<Path> firmwareLog;
    private final Optional<Path> imaLog;
    private final AkTemplate akTemplate;
    private final Optional<EkSlot> ekSlot;
    private volatile Enrolled enrolled;

    private Attester(Tpm tpm, TpmAlg bank, Optional<SortedSet<Integer>> pcrs, Optional<Path> firmwareLog,
                     Optional<Path> imaLog, AkTemplate akTemplate, Optional<EkSlot> ekSlot) {
        this.tpm = tpm;
        this.bank = bank;
        this.pcrs = pcrs;
        this.firmwareLog = firmwareLog;
        this.imaLog = imaLog;
        this.akTemplate = akTemplate;
        this.ekSlot = ekSlot;
    }

    /** An attester on {@code tpm}: SHA-256 PCRs 0-7 (and 10 with IMA), this machine's logs, an ECC P-256 AK. */
    public static Attester on(Tpm tpm) {
        return new Attester(Objects.requireNonNull(tpm, "tpm"), TpmAlg.SHA256, Optional.empty(),
                Optional.of(FIRMWARE_LOG), Optional.of(IMA_LOG), AkTemplate.ECC_P256, Optional.empty());
    }

    /** Quotes exactly {@code indexes} of {@code bank}. */
    public Attester quoting(TpmAlg bank, Set<Integer> indexes) {
        if (bank.digestSize().isEmpty() || indexes.isEmpty()) {
            throw new IllegalArgumentException("quote a hash bank's PCRs: " + bank + " " + indexes);
        }
        return new Attester(tpm, bank, Optional.of(new TreeSet<>(indexes)), firmwareLog, imaLog, akTemplate, ekSlot);
    }

    /** Reads the firmware event log from {@code file} (empty: sends none). */
    public Attester withFirmwareLog(Optional<Path> file) {
        return new Attester(tpm, bank, pcrs, file, imaLog, akTemplate, ekSlot);
    }

    /** Reads the IMA measurement list from {@code file} (empty: sends none). */
    public Attester withImaLog(Optional<Path> file) {
        return new Attester(tpm, bank, pcrs, firmwareLog, file, akTemplate, ekSlot);
    }

    /** Creates the AK from {@code template}. */
    public Attester withAk(AkTemplate template) {
        return new Attester(tpm, bank, pcrs, firmwareLog, imaLog, Objects.requireNonNull(template), ekSlot);
    }

    /**
     * Uses the EK of {@code slot}; by default the first slot with a certificate whose EK tpm4j can recreate, else
     * the RSA-2048 EK of the low range (the one TPMs without certificates most often have).
     */
    public Attester withEk(EkSlot slot) {
        return new Attester(tpm, bank, pcrs, firmwareLog, imaLog, akTemplate, Optional.of(slot));
    }

    /** Round 1: the EK, its certificate and chain, and a new AK under the EK. Flushes what it loaded. */
    public Enrollment enroll() throws EkCertificateException {
        EndorsementKeys eks = EndorsementKeys.of(tpm);
        List<EndorsementKeys.StoredCertificate> stored = eks.certificates();
        EkSlot slot = ekSlot.orElseGet(() -> stored.stream().map(EndorsementKeys.StoredCertificate::slot)
                .filter(s -> s.defaultTemplate().isPresent()).findFirst().orElse(EkSlot.RSA_2048_LOW));
        Optional<byte[]> certificate = stored.stream().filter(c -> c.slot() == slot).findFirst()
                .map(EndorsementKeys.StoredCertificate::contents);
        List<byte[]> chain = certificate.isPresent() ? eks.chain() : List.of();
        try (TpmObject ek = eks.create(slot)) {
            Create.Response ak = AttestationKeys.createUnderEk(tpm, LoadedEk.of(ek), akTemplate, NO_AUTH);
            enrolled = new Enrolled(slot, ak);
            log.debug("enrolled with the EK of {} ({} certificate), an {} AK", slot,
                    certificate.isPresent() ? "a" : "no", akTemplate);
            return new Enrollment(ek.publicArea(), ak.outPublic(), certificate, chain);
        }
    }

    /**
     * Round 2: activates the challenge's credential with the EK and the AK, quotes the PCRs with its nonce, reads the
     * logs. Flushes what it loaded.
     *
     * @throws ActivationException   when the TPM refuses the credential: not made for this EK and AK, or altered
     * @throws IllegalStateException before {@link #enroll()}
     */
    public Evidence respond(Challenge challenge) throws ActivationException, EkCertificateException {
        Enrolled current = enrolled;
        if (current == null) {
            throw new IllegalStateException("respond needs an enrollment first: call enroll()");
        }
        EndorsementKeys eks = EndorsementKeys.of(tpm);
        try (TpmObject ekObject = eks.create(current.slot())) {
            LoadedEk ek = LoadedEk.of(ekObject);
            try (TpmObject ak = AttestationKeys.loadUnderEk(tpm, ek, current.ak())) {
                byte[] secret = CredentialActivation.activate(tpm, ak.handle(), Authorization.emptyPassword(), ek,
                        challenge.credential());
                Measured measured = measure(ak, challenge.nonce());
                return new Evidence(secret, measured.quote(), measured.pcrs(), measured.firmware(), measured.ima());
            }
        }
    }

    /**
     * Quotes between two readings of the PCRs and logs, again while anything moved in between (IMA appends as the
     * machine runs), so the values and logs sent are those quoted. What changes after the last reading is not sent.
     */
    private Measured measure(TpmObject ak, byte[] nonce) {
        Measured measured = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Optional<byte[]> firmware = firmwareLog.flatMap(f -> read(f, Evidence.MAX_FIRMWARE_LOG_BYTES));
            Optional<byte[]> ima = imaLog.flatMap(f -> read(f, Evidence.MAX_IMA_LOG_BYTES));
            int[] indexes = indexes(ima.isPresent());
            PcrValues before = read(indexes);
            SignedAttestation quote = SignedAttestation.of(tpm.quote(ak, nonce, List.of(PcrSelection.of(bank,
                    indexes))));
            measured = new Measured(quote, read(indexes),
                    firmwareLog.flatMap(f -> read(f, Evidence.MAX_FIRMWARE_LOG_BYTES)),
                    imaLog.flatMap(f -> read(f, Evidence.MAX_IMA_LOG_BYTES)));
            if (before.equals(measured.pcrs()) && same(firmware, measured.firmware()) && same(ima, measured.ima())) {
                return measured;
            }
            log.debug("PCRs or logs changed while quoting (attempt {} of {})", attempt, ATTEMPTS);
        }
        return measured;
    }

    private int[] indexes(boolean withIma) {
        SortedSet<Integer> chosen = pcrs.orElseGet(() -> {
            SortedSet<Integer> defaults = new TreeSet<>(DEFAULT_PCRS);
            if (withIma) {
                defaults.add(IMA_PCR);
            }
            return defaults;
        });
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    private PcrValues read(int[] indexes) {
        return PcrValues.of(Map.of(bank, tpm.pcrValues(bank, indexes)));
    }

    private static boolean same(Optional<byte[]> a, Optional<byte[]> b) {
        return a.isPresent() == b.isPresent() && (a.isEmpty() || Arrays.equals(a.get(), b.get()));
    }

    /** A log's bytes; securityfs reports size 0, so read to the end, bounded. Absent when it cannot be read. */
    private static Optional<byte[]> read(Path file, int max) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                log.warn("{} has more than {} bytes: not sent", file, max);
                return Optional.empty();
            }
            return Optional.of(bytes);
        } catch (NoSuchFileException e) {
            log.debug("no {}", file);
        } catch (IOException e) {
            log.warn("cannot read {}: {}", file, e.toString());
        }
        return Optional.empty();
    }
}
