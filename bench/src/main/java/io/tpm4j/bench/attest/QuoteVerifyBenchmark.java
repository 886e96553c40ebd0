package io.tpm4j.bench.attest;

import io.tpm4j.api.PlatformHierarchy;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.attest.PcrValues;
import io.tpm4j.attest.eventlog.EventLogException;
import io.tpm4j.attest.eventlog.FirmwareEvent;
import io.tpm4j.attest.eventlog.FirmwareEventLog;
import io.tpm4j.attest.eventlog.PcrReplay;
import io.tpm4j.attest.quote.AttestationFormatException;
import io.tpm4j.attest.quote.AttestationKey;
import io.tpm4j.attest.quote.QuoteVerifier;
import io.tpm4j.attest.quote.SignedAttestation;
import io.tpm4j.attest.quote.Verification;
import io.tpm4j.ffi.Swtpm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Quotes verified per second on one core (one thread), as a verifier serving a fleet does it: no TPM, only the
 * bytes. The quote (PCRs 0-7 of the SHA-256 bank) is made once per trial by a private swtpm whose PCRs were extended
 * with a synthetic 1,000-event crypto-agile firmware log; then, per operation:
 * <ul>
 *   <li>{@link #verifyQuoteWithLogReplay}: the whole check: the log parsed and replayed, the expected PCR values
 *       taken from the replay, the quote verified ({@link QuoteVerifier}: signature, magic, type, nonce, selection,
 *       PCR digest);</li>
 *   <li>{@link #verifyQuote}: the quote verified against PCR values already replayed;</li>
 *   <li>{@link #replayLog}: the log parsed and replayed alone;</li>
 *   <li>{@link #verifySignatureOnly}, the baseline: the bare signature over the TPMS_ATTEST bytes checked with the
 *       AK's JCA public key ({@code Signatures.verify}), what no verification can do without.</li>
 * </ul>
 * For ECC P-256 (ECDSA) and RSA 2048 (RSASSA) attestation keys, SHA-256.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class QuoteVerifyBenchmark {

    static final int LOG_EVENTS = 1_000;
    static final byte[] NONCE = "a verifier's nonce for one quote".getBytes(StandardCharsets.US_ASCII);
    static final Set<Integer> QUOTED = IntStream.range(0, SyntheticFirmwareLog.PCRS).boxed()
            .collect(Collectors.toUnmodifiableSet());

    /** One quote of the log's PCRs by an AK of the kind named, made on swtpm during set-up. */
    @State(Scope.Benchmark)
    public static class Evidence {
        @Param({"ECC_P256", "RSA_2048"})
        public String ak;

        byte[] log;
        SignedAttestation quote;
        AttestationKey key;
        PcrValues expected;

        @Setup
        public void attest() throws EventLogException, AttestationFormatException {
            log = SyntheticFirmwareLog.of(LOG_EVENTS);
            FirmwareEventLog parsed = FirmwareEventLog.parse(log);
            try (Swtpm swtpm = Swtpm.startChardev(); Tpm tpm = Tpm.on(swtpm.transport()::transmit)) {
                PlatformHierarchy.DISABLE.startupIfNeeded(tpm);
                for (FirmwareEvent event : parsed.events()) {
                    if (event.extendsPcr()) {
                        tpm.pcrExtend(event.pcrIndex(), event.digests().toArray(TaggedDigest[]::new));
                    }
                }
                try (TpmObject object = tpm.createPrimary(TpmRh.ENDORSEMENT, template(ak))) {
                    quote = SignedAttestation.of(tpm.quote(object, NONCE, List.of(PcrSelection.of(TpmAlg.SHA256,
                            QUOTED.stream().mapToInt(Integer::intValue).toArray()))));
                    key = AttestationKey.of(object.publicArea());
                }
            }
            expected = replayed(log);
            Verification verdict = QuoteVerifier.verify(quote, key, NONCE, expected);
            if (!verdict.ok() || parsed.events().size() != LOG_EVENTS + 1) {
                throw new IllegalStateException("the benchmark's quote does not verify: " + verdict + ", "
                        + parsed.events().size() + " events");
            }
        }
    }

    @Benchmark
    public Verification verifyQuoteWithLogReplay(Evidence e) throws EventLogException, AttestationFormatException {
        return QuoteVerifier.verify(e.quote, e.key, NONCE, replayed(e.log));
    }

    @Benchmark
    public Verification verifyQuote(Evidence e) throws AttestationFormatException {
        return QuoteVerifier.verify(e.quote, e.key, NONCE, e.expected);
    }

    @Benchmark
    public PcrValues replayLog(Evidence e) throws EventLogException {
        return replayed(e.log);
    }

    @Benchmark
    public boolean verifySignatureOnly(Evidence e) {
        return Signatures.verify(e.key.publicKey(), e.quote.signature(), e.quote.attest());
    }

    static PcrValues replayed(byte[] log) throws EventLogException {
        PcrReplay<FirmwareEvent> replay = FirmwareEventLog.parse(log).replay();
        return QuoteVerifier.expected(TpmAlg.SHA256, QUOTED, List.of(replay));
    }

    /** The AK: the ECC template of api's Templates, or the same restricted RSASSA key in RSA 2048. */
    static PublicArea template(String ak) {
        return switch (ak) {
            case "ECC_P256" -> Templates.eccAttestationKey();
            case "RSA_2048" -> new PublicArea(TpmAlg.SHA256, Templates.eccAttestationKey().attributes(), new byte[0],
                    new PublicParameters.Rsa(SymmetricDefinition.NULL, Scheme.of(TpmAlg.RSASSA, TpmAlg.SHA256), 2048, 0),
                    new PublicId.Rsa(new byte[0]));
            default -> throw new IllegalArgumentException("no AK " + ak);
        };
    }
}
