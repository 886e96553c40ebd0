package io.tpm4j.attest.cli;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmException;
import io.tpm4j.attest.Attester;
import io.tpm4j.attest.Enrollment;
import io.tpm4j.attest.Evidence;
import io.tpm4j.attest.Pending;
import io.tpm4j.attest.PcrMismatch;
import io.tpm4j.attest.Verdict;
import io.tpm4j.attest.Verifier;
import io.tpm4j.attest.credential.ActivationException;
import io.tpm4j.attest.ek.EkCertificateException;
import io.tpm4j.attest.ek.EkTrust;
import io.tpm4j.attest.ek.ProvisionedSwtpm;
import io.tpm4j.attest.eventlog.FirmwareEvent;
import io.tpm4j.attest.eventlog.ImaEntry;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.ffi.Swtpm;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code ./tpm4j attest [--device PATH | --swtpm] [--roots PEMFILE ...]}: runs both sides of an attestation on this
 * machine, the attester on its TPM and the verifier beside it, and prints the verdict with every reason. With
 * {@code --roots} the EK must have a certificate that chains to one of them; without, the EK the TPM presents is
 * trusted as it is (the verifier's known-EK mode), which the output says. {@code --swtpm} provisions a private swtpm
 * with EK certificates from swtpm_localca and trusts that CA.
 */
public final class AttestMain {

    static final Path DEVICE = Path.of("/dev/tpmrm0");
    private static final String USAGE = "usage: ./tpm4j attest [--device PATH | --swtpm] [--roots PEMFILE ...]\n"
            + "  runs the attester on this machine's TPM (default " + DEVICE + ") and a verifier beside it, and prints\n"
            + "  the verdict with every reason\n"
            + "  --roots PEMFILE  trust EK certificates that chain to these roots (without: trust the EK as presented)\n"
            + "  --swtpm          a private swtpm with EK certificates from swtpm_localca, whose CA is trusted\n";

    private AttestMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit status (0 trusted, 1 rejected or failed, 2 usage). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Optional<Path> device = Optional.empty();
        boolean swtpm = false;
        List<Path> roots = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            boolean hasValue = i + 1 < args.length;
            switch (arg) {
                case "--device" -> {
                    if (!hasValue) {
                        return usage(err, "--device needs a path");
                    }
                    device = Optional.of(Path.of(args[++i]));
                }
                case "--roots" -> {
                    if (!hasValue) {
                        return usage(err, "--roots needs a PEM file");
                    }
                    roots.add(Path.of(args[++i]));
                }
                case "--swtpm" -> swtpm = true;
                case "-h", "--help" -> {
                    out.print(USAGE);
                    return 0;
                }
                default -> {
                    return usage(err, "unexpected argument '" + arg + "'");
                }
            }
        }
        if (swtpm && device.isPresent()) {
            return usage(err, "--device and --swtpm exclude each other");
        }
        try {
            List<X509Certificate> trusted = new ArrayList<>();
            for (Path file : roots) {
                trusted.addAll(certificates(file));
            }
            return swtpm ? onSwtpm(trusted, out) : onDevice(device.orElse(DEVICE), trusted, out);
        } catch (IOException | UncheckedIOException e) {
            err.println("tpm4j attest: " + e.getMessage());
        } catch (EkCertificateException e) {
            err.println("tpm4j attest: the TPM's EK certificates cannot be read: " + e.getMessage());
        } catch (TpmException e) {
            err.println("tpm4j attest: the TPM failed: " + e.getMessage());
        }
        return 1;
    }

    private static int usage(PrintStream err, String problem) {
        err.print("tpm4j attest: " + problem + "\n" + USAGE);
        return 2;
    }

    private static int onDevice(Path path, List<X509Certificate> roots, PrintStream out)
            throws IOException, EkCertificateException {
        if (!Files.exists(path)) {
            throw new IOException("no TPM at " + path + " (give --device PATH, or --swtpm for a software TPM)");
        }
        out.println("TPM: " + path);
        try (Tpm tpm = Tpm.on(LinuxTpmDevice.open(path))) {
            return attest(Attester.on(tpm), roots.isEmpty() ? Optional.empty()
                    : Optional.of(new EkTrust(roots, List.of(), false, Optional.empty())), out);
        }
    }

    /** A provisioned swtpm's PCRs hold nothing (no firmware ran): it sends no logs, this machine's are not its. */
    private static int onSwtpm(List<X509Certificate> roots, PrintStream out)
            throws IOException, EkCertificateException {
        Path dir = Files.createTempDirectory("tpm4j-attest-");
        try {
            ProvisionedSwtpm provisioned = ProvisionedSwtpm.create(dir);
            EkTrust trust = roots.isEmpty() ? EkTrust.roots(provisioned.root())
                    .withIntermediates(provisioned.issuer()) : new EkTrust(roots, List.of(provisioned.issuer()),
                    false, Optional.empty());
            out.println("TPM: a private swtpm provisioned by swtpm_setup, EK certificates from swtpm_localca"
                    + (roots.isEmpty() ? " (its CA trusted)" : "") + "; no measurement logs (no firmware ran)");
            try (Swtpm swtpm = Swtpm.startChardev(provisioned.state()); Tpm tpm = Tpm.on(swtpm.transport())) {
                tpm.startupIfNeeded();
                return attest(Attester.on(tpm).withFirmwareLog(Optional.empty()).withImaLog(Optional.empty()),
                        Optional.of(trust), out);
            }
        } finally {
            delete(dir);
        }
    }

    private static int attest(Attester attester, Optional<EkTrust> trust, PrintStream out)
            throws EkCertificateException {
        Enrollment enrollment = attester.enroll();
        Verifier verifier;
        if (trust.isPresent()) {
            verifier = Verifier.trustingEkCertificates(trust.get());
        } else {
            out.println("EK: no --roots given, so the EK is trusted as this TPM presents it (known-EK mode): the"
                    + " verdict proves the quote comes from the TPM holding this EK, not which TPM that is"
                    + (enrollment.ekCertificate().isPresent() ? "; the TPM has an EK certificate: give its"
                    + " manufacturer's root with --roots to validate it" : "; the TPM has no EK certificate"));
            verifier = Verifier.knowingEks(List.of(enrollment.ek()));
        }
        Pending pending = verifier.start(enrollment);
        Verdict verdict;
        try {
            Evidence evidence = attester.respond(pending.challenge());
            verdict = pending.finish(evidence);
        } catch (IllegalStateException e) {
            verdict = pending.rejection().orElseThrow(() -> e);
        } catch (ActivationException e) {
            out.println("verdict: rejected: the TPM refused to activate the credential: " + e.getMessage());
            return 1;
        }
        print(verdict, out);
        return verdict.trusted() ? 0 : 1;
    }

    private static void print(Verdict verdict, PrintStream out) {
        switch (verdict) {
            case Verdict.Trusted trusted -> {
                out.println("verdict: trusted");
                out.println("  TPM: " + trusted.tpm().map(t -> "manufacturer " + t.manufacturer() + ", model "
                        + t.model() + ", version " + t.version()).orElse("not named (the EK was not certified)"));
                trusted.findings().forEach(f -> out.println("  finding: " + f));
                out.println("  PCRs proven by the quote:");
                trusted.pcrs().toString().lines().forEach(l -> out.println("    " + l));
            }
            case Verdict.Rejected rejected -> {
                out.println("verdict: rejected, " + rejected.reasons().size() + " reason(s)");
                for (Verdict.Reason reason : rejected.reasons()) {
                    out.println("  " + reason);
                    reason.mismatch().ifPresent(m -> events(m, out));
                }
            }
        }
    }

    private static void events(PcrMismatch<?> mismatch, PrintStream out) {
        for (Object event : mismatch.events()) {
            String text = switch (event) {
                case FirmwareEvent e -> EventPrinter.firmware(e);
                case ImaEntry e -> EventPrinter.ima(e);
                default -> event + "\n";
            };
            text.lines().forEach(l -> out.println("      " + l));
        }
    }

    private static List<X509Certificate> certificates(Path file) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IOException("cannot read the roots file " + file);
        }
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> out = new ArrayList<>();
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) certificate);
            }
            if (out.isEmpty()) {
                throw new IOException(file + " holds no certificate");
            }
            return out;
        } catch (CertificateException e) {
            throw new IOException(file + " holds no X.509 certificate: " + e.getMessage(), e);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
