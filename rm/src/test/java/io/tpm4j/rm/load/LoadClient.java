package io.tpm4j.rm.load;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmTimeoutException;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.transport.SocketTransport;
import io.tpm4j.api.wire.TpmHeader;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One load client process (a child JVM of {@link ServerLoadTest}): holds {@code connections} connections to the
 * server's raw socket at once, each on its own thread running {@link LoadMix} sessions one after another until
 * the deadline, and writes its {@link LoadStats} every second and at the end.
 *
 * <p>Arguments: socket, connections, seed, deadline (epoch ms), command timeout (s), stats file.
 */
public final class LoadClient {

    private LoadClient() {
    }

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        int connections = Integer.parseInt(args[1]);
        long seed = Long.parseLong(args[2]);
        long deadline = Long.parseLong(args[3]);
        Duration timeout = Duration.ofSeconds(Long.parseLong(args[4]));
        Path statsFile = Path.of(args[5]);

        LoadStats stats = new LoadStats();
        AtomicInteger open = new AtomicInteger();
        List<Thread> slots = new ArrayList<>();
        SplittableRandom seeds = new SplittableRandom(seed);
        for (int slot = 0; slot < connections; slot++) {
            long slotSeed = seeds.nextLong();
            // Platform threads: each waits in its transport's Selector, which a virtual thread would pin.
            slots.add(Thread.ofPlatform().name("load-" + slot).daemon().stackSize(256 * 1024).start(
                    () -> runSlot(socket, timeout, new SplittableRandom(slotSeed), deadline, stats, open)));
        }
        Thread writer = Thread.ofPlatform().name("load-stats").daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(1000);
                    stats.max("max.open", open.get());
                    stats.write(statsFile);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    System.err.println("load client: cannot write " + statsFile + ": " + e);
                }
            }
        });
        for (Thread t : slots) {
            t.join();
        }
        writer.interrupt();
        writer.join();
        stats.add("done", 1);
        stats.write(statsFile);
    }

    /** One connection after another until the deadline; a connection that cannot be made is counted and retried. */
    private static void runSlot(Path socket, Duration timeout, SplittableRandom random, long deadline, LoadStats stats,
                                AtomicInteger open) {
        while (System.currentTimeMillis() < deadline) {
            SocketTransport transport;
            try {
                transport = SocketTransport.connectUnix(socket, CommandTimeouts.fixed(timeout));
            } catch (RuntimeException e) {
                stats.add("connect-failed", 1);
                pause(200 + random.nextInt(300));
                continue;
            }
            open.incrementAndGet();
            stats.add("connections", 1);
            try {
                new LoadMix(timed(transport, stats), random.split(), deadline, stats).run();
            } catch (TpmTransportException | TpmDeviceRemovedException e) {
                // Counted as unanswered by the timed transport; the connection is of no more use.
                stats.add("connection-lost." + e.getClass().getSimpleName(), 1);
            } catch (Throwable e) {
                // LoadMix handles TPM errors itself; anything else (a response HMAC that fails, a malformed
                // response, a bug here) is a fault the test reports.
                stats.add("client-fault." + e.getClass().getSimpleName() + ": " + e.getMessage(), 1);
            } finally {
                open.decrementAndGet();
                transport.close();
            }
        }
    }

    /** The transport, counting every command, its response code or why none came, and its latency. */
    private static TpmTransport timed(TpmTransport transport, LoadStats stats) {
        return new TpmTransport() {
            @Override
            public byte[] transmit(byte[] command) {
                int code = TpmHeader.commandCode(command);
                stats.sent(code);
                long start = System.nanoTime();
                try {
                    byte[] response = transport.transmit(command);
                    stats.answered(code, TpmHeader.ofResponse(response).code(), System.nanoTime() - start);
                    return response;
                } catch (TpmTimeoutException e) {
                    stats.unanswered(code, "timeout");
                    throw e;
                } catch (TpmDeviceRemovedException e) {
                    stats.unanswered(code, "connection closed by the server");
                    throw e;
                } catch (RuntimeException e) {
                    stats.unanswered(code, e.getClass().getSimpleName());
                    throw e;
                }
            }

            @Override
            public void close() {
                transport.close();
            }
        };
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
