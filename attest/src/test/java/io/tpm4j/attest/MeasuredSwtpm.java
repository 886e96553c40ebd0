package io.tpm4j.attest;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.testing.CallerSessions;
import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.attest.ek.ProvisionedSwtpm;
import io.tpm4j.attest.ek.EkTrust;
import io.tpm4j.attest.eventlog.FirmwareEvent;
import io.tpm4j.attest.eventlog.FirmwareEventLog;
import io.tpm4j.attest.eventlog.ImaEntry;
import io.tpm4j.attest.eventlog.ImaLog;
import io.tpm4j.ffi.Swtpm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A swtpm whose PCRs hold what the kernel VM's captured logs say (SeaBIOS's firmware log into PCRs 0-7, the IMA list
 * into PCR 10), those logs in files for an {@link Attester}, and the check that nothing is left loaded at the end.
 */
final class MeasuredSwtpm implements AutoCloseable {

    static final String KVM = "/io/tpm4j/attest/kvm/";

    final Swtpm swtpm;
    final Tpm tpm;
    final Path firmwareLog;
    final Path imaLog;

    private MeasuredSwtpm(Swtpm swtpm, Path dir) throws Exception {
        this.swtpm = swtpm;
        this.tpm = Tpm.on(swtpm.transport());
        tpm.startupIfNeeded();
        firmwareLog = Files.write(dir.resolve("binary_bios_measurements"), resource("binary_bios_measurements"));
        imaLog = Files.write(dir.resolve("binary_runtime_measurements"), resource("ima_binary_runtime_measurements"));
        // The swtpm has only the SHA-256 bank, as provisioned.
        for (FirmwareEvent event : FirmwareEventLog.parse(Files.readAllBytes(firmwareLog)).events()) {
            if (event.extendsPcr()) {
                tpm.pcrExtend(event.pcrIndex(), new TaggedDigest(TpmAlg.SHA256, event.digest(TpmAlg.SHA256)
                        .orElseThrow()));
            }
        }
        for (ImaEntry entry : ImaLog.parse(Files.readAllBytes(imaLog)).entries()) {
            byte[] digest = Names.digest(TpmAlg.SHA256).digest(entry.hashedData());
            if (entry.isViolation()) {
                Arrays.fill(digest, (byte) 0xFF);
            }
            tpm.pcrExtend(entry.pcrIndex(), new TaggedDigest(TpmAlg.SHA256, digest));
        }
    }

    /** A swtpm on a copy of {@code provisioned}'s state (EK certificates in NV), its logs in {@code dir}. */
    static MeasuredSwtpm provisioned(ProvisionedSwtpm provisioned, Path dir) throws Exception {
        return new MeasuredSwtpm(Swtpm.startChardev(provisioned.state()), dir);
    }

    /** A swtpm as the kernel VM has it: never provisioned, no EK certificate. */
    static MeasuredSwtpm unprovisioned(Path dir) throws Exception {
        return new MeasuredSwtpm(Swtpm.startChardev(), dir);
    }

    static EkTrust trust(ProvisionedSwtpm provisioned) {
        return EkTrust.roots(provisioned.root()).withIntermediates(provisioned.issuer());
    }

    /** An attester reading this TPM's logs from their files. */
    Attester attester() {
        return Attester.on(tpm).withFirmwareLog(Optional.of(firmwareLog)).withImaLog(Optional.of(imaLog));
    }

    static byte[] resource(String name) {
        try (InputStream in = MeasuredSwtpm.class.getResourceAsStream(KVM + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails when an object or a session of the caller's is left loaded; stops the swtpm either way. */
    @Override
    public void close() {
        try {
            assertEquals(List.of(), tpm.handles(TpmHt.TRANSIENT), "transient objects left in the TPM");
            assertEquals(List.of(), CallerSessions.loaded(tpm), "sessions left in the TPM");
        } finally {
            tpm.close();
            swtpm.close();
        }
    }
}
