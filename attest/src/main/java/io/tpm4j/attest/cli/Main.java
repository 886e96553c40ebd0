package io.tpm4j.attest.cli;

import io.tpm4j.attest.eventlog.EventLogException;
import io.tpm4j.attest.eventlog.FirmwareEventLog;
import io.tpm4j.attest.eventlog.ImaLog;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code ./tpm4j eventlog [--pcrs] [--ima] [FILE]}: prints a firmware event log's events (default: this machine's),
 * or with {@code --pcrs} its replayed PCRs, one line per bank and index: {@code BANK INDEX HEX}. {@code --ima}
 * reads an IMA measurement list (binary or ASCII) instead.
 */
public final class Main {

    static final String FIRMWARE_LOG = "/sys/kernel/security/tpm0/binary_bios_measurements";
    static final String IMA_LOG = "/sys/kernel/security/ima/binary_runtime_measurements";
    /** No measurement log comes near this; a larger file is not one. */
    private static final int MAX_FILE = 256 << 20;
    private static final String USAGE = "usage: ./tpm4j eventlog [--pcrs] [--ima] [FILE]\n"
            + "  prints the events of a firmware event log (default " + FIRMWARE_LOG + ")\n"
            + "  --pcrs  prints the replayed PCRs instead, one line per bank and index: BANK INDEX HEX\n"
            + "  --ima   reads an IMA measurement list, binary or ASCII (default " + IMA_LOG + ")\n";

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit status (0, 1 when the log cannot be read or parsed, 2 for usage). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean pcrs = false;
        boolean ima = false;
        String file = null;
        for (String arg : args) {
            switch (arg) {
                case "--pcrs" -> pcrs = true;
                case "--ima" -> ima = true;
                case "-h", "--help" -> {
                    out.print(USAGE);
                    return 0;
                }
                default -> {
                    if (arg.startsWith("-") || file != null) {
                        err.print("tpm4j eventlog: unexpected argument '" + arg + "'\n" + USAGE);
                        return 2;
                    }
                    file = arg;
                }
            }
        }
        Path path = Path.of(file != null ? file : ima ? IMA_LOG : FIRMWARE_LOG);
        try {
            byte[] bytes = read(path);
            if (ima) {
                ImaLog log = ImaLog.parse(bytes);
                if (pcrs) {
                    out.print(log.replay().values());
                } else {
                    log.entries().stream().map(EventPrinter::ima).forEach(out::print);
                }
            } else {
                FirmwareEventLog log = FirmwareEventLog.parse(bytes);
                if (pcrs) {
                    out.print(log.replay().values());
                } else {
                    log.events().stream().map(EventPrinter::firmware).forEach(out::print);
                }
            }
            return 0;
        } catch (IOException e) {
            err.println("tpm4j eventlog: cannot read " + path + ": " + e);
        } catch (EventLogException e) {
            err.println("tpm4j eventlog: " + path + ": " + e.getMessage());
        }
        return 1;
    }

    /** The whole file; securityfs files report size 0, so this reads to the end rather than trusting the size. */
    private static byte[] read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] bytes = in.readNBytes(MAX_FILE + 1);
            if (bytes.length > MAX_FILE) {
                throw new IOException("larger than " + MAX_FILE + " bytes: not a measurement log");
            }
            return bytes;
        }
    }
}
