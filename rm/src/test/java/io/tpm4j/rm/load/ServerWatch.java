package io.tpm4j.rm.load;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Samples the server process from outside, twice a second: its resident set (VmRSS in /proc) and the connections
 * its health socket reports; and at given times its heap after a full GC.
 */
final class ServerWatch implements AutoCloseable {

    record Sample(long atMillis, long rssKib, int connections) {
    }

    private static final Pattern CONNECTIONS = Pattern.compile("\"connections\":(\\d+)");
    private static final Pattern VM_RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB");

    private final long pid;
    private final Path health;
    /** What the health socket reports with no client: its own connection counts among the open ones, or not. */
    private final int baseline;
    private final List<Sample> samples = new ArrayList<>();
    private final AtomicInteger failures = new AtomicInteger();
    private final Thread thread;

    private final List<Long> liveHeap = new ArrayList<>();
    private final Thread heapThread;

    /**
     * To be made before any client connects: it takes what the health socket reports then as zero. At each of
     * {@code fullGcAt} (epoch ms) it has the server run a full GC and reads its heap after it.
     */
    ServerWatch(long pid, Path health, List<Long> fullGcAt) throws IOException {
        this.pid = pid;
        this.health = health;
        this.baseline = reported(health);
        this.thread = Thread.ofPlatform().name("server-watch").daemon().start(this::sample);
        this.heapThread = Thread.ofPlatform().name("server-heap").daemon().start(() -> {
            for (long at : fullGcAt) {
                try {
                    Thread.sleep(Math.max(0, at - System.currentTimeMillis()));
                    long kib = liveHeapKib(pid);
                    synchronized (liveHeap) {
                        liveHeap.add(kib);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    failures.incrementAndGet();
                }
            }
        });
    }

    /** The heap after each full GC asked for, in KiB. */
    List<Long> liveHeap() {
        synchronized (liveHeap) {
            return List.copyOf(liveHeap);
        }
    }

    private static final Pattern HEAP_USED = Pattern.compile("total reserved \\d+K, committed \\d+K, used (\\d+)K");

    /** {@code jcmd PID GC.run}, then the {@code used} of {@code jcmd PID GC.heap_info}. */
    static long liveHeapKib(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        Matcher m = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        if (!m.find()) {
            throw new IOException("jcmd GC.heap_info: no heap usage");
        }
        return Long.parseLong(m.group(1));
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("jcmd " + pid + " " + command + " failed: " + out);
        }
        return out;
    }

    private void sample() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Sample s = new Sample(System.currentTimeMillis(), rssKib(pid), connections());
                synchronized (samples) {
                    samples.add(s);
                }
            } catch (IOException | RuntimeException e) {
                failures.incrementAndGet();   // a sample missed; the count is in the figures
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    int failedSamples() {
        return failures.get();
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    static long rssKib(long pid) throws IOException {
        Matcher m = VM_RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        if (!m.find()) {
            throw new IOException("no VmRSS for pid " + pid);
        }
        return Long.parseLong(m.group(1));
    }

    /** The server's health line: one JSON object per connection to its health socket. */
    static String health(Path socket) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            try (InputStream in = Channels.newInputStream(channel)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
        }
    }

    /** The clients' connections open now. */
    int connections() throws IOException {
        return reported(health) - baseline;
    }

    private static int reported(Path socket) throws IOException {
        String line = health(socket);
        Matcher m = CONNECTIONS.matcher(line);
        if (!m.find()) {
            throw new IOException("no connection count in the health line: " + line);
        }
        return Integer.parseInt(m.group(1));
    }

    /** Stops sampling once the full GCs asked for are done and read (within a minute). */
    void finish() throws InterruptedException {
        heapThread.join(60_000);
        close();
    }

    /** Stops sampling at once; a full GC not yet asked for is not. Idempotent. */
    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        heapThread.interrupt();
        thread.join(5000);
        heapThread.join(5000);
    }
}
