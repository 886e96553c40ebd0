package io.tpm4j.jca;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmException;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The provider's salted, encrypting HMAC sessions (salted to its storage root key), kept across calls: a
 * password proven by HMAC in one of them, and secrets (a key's password at creation, decrypted messages, ECDH
 * points, HMAC results) encrypted both ways, cost no command beyond the one that carries them. A session serves one
 * command at a time; contending threads grow the pool up to {@link #MAX_SESSIONS}. A session the TPM no longer has
 * is replaced once, transparently.
 */
final class SaltedSessions implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SaltedSessions.class);
    static final int MAX_SESSIONS = 4;
    private static final long WAIT_SECONDS = 120;

    /** The key sessions are salted to: a loaded handle and its public area. */
    record SaltKey(int handle, PublicArea publicArea) {
    }

    private final Tpm tpm;
    private final Supplier<SaltKey> saltKey;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition returned = lock.newCondition();
    private final Deque<AuthSession> idle = new ArrayDeque<>();
    private final List<AuthSession> started = new ArrayList<>();
    private int limit = MAX_SESSIONS;
    private boolean closed;

    SaltedSessions(Tpm tpm, Supplier<SaltKey> saltKey) {
        this.tpm = tpm;
        this.saltKey = saltKey;
    }

    /** Runs {@code work} with one of the sessions; once more with a new session if the TPM lost the first. */
    <T> T run(Function<AuthSession, T> work) {
        for (int attempt = 1; ; attempt++) {
            AuthSession session = acquire();
            try {
                T result = work.apply(session);
                release(session, true);
                return result;
            } catch (TpmResponseException e) {
                boolean lost = lost(e.responseCode());
                release(session, !lost);
                if (!lost || attempt > 1) {
                    throw e;
                }
                log.debug("salted session {} is gone ({}); starting another", session, e.responseCode().describe());
            } catch (RuntimeException e) {
                // An unverified or malformed response leaves the session's nonces unknown: never used again.
                release(session, false);
                flushQuietly(session);
                throw e;
            }
        }
    }

    /** The handles of the sessions held in the TPM. */
    List<Integer> handles() {
        lock.lock();
        try {
            return started.stream().map(AuthSession::handle).toList();
        } finally {
            lock.unlock();
        }
    }

    private static boolean lost(ResponseCode rc) {
        return rc.is(TpmRc.REFERENCE_S0) || rc.is(TpmRc.REFERENCE_S1) || rc.is(TpmRc.REFERENCE_S2)
                || rc.is(TpmRc.HANDLE) && rc.sessionNumber().isPresent();
    }

    private AuthSession acquire() {
        lock.lock();
        try {
            long nanos = TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (true) {
                if (closed) {
                    throw new IllegalStateException("the tpm4j provider is closed");
                }
                AuthSession free = idle.pollFirst();
                if (free != null) {
                    return free;
                }
                if (started.size() < limit) {
                    AuthSession fresh = startOrNull();
                    if (fresh != null) {
                        started.add(fresh);
                        return fresh;
                    }
                }
                if (nanos <= 0) {
                    throw new IllegalStateException("all " + started.size() + " salted sessions stayed busy for "
                            + WAIT_SECONDS + " s");
                }
                nanos = returned.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a salted session", e);
        } finally {
            lock.unlock();
        }
    }

    /** A new session, or null when the TPM has no room for one more and the pool has sessions to wait for. */
    private AuthSession startOrNull() {
        SaltKey key = saltKey.get();
        try {
            return tpm.startSession(Session.hmac(TpmAlg.SHA256).salted(key.handle(), key.publicArea()).encrypted());
        } catch (TpmResponseException e) {
            if (started.isEmpty() || !(e.is(TpmRc.SESSION_MEMORY) || e.is(TpmRc.SESSION_HANDLES))) {
                throw e;
            }
            limit = started.size();
            return null;
        }
    }

    private void release(AuthSession session, boolean keep) {
        lock.lock();
        try {
            if (keep && !closed && started.contains(session) && !session.ended()) {
                idle.addFirst(session);
            } else {
                started.remove(session);
            }
            returned.signal();
        } finally {
            lock.unlock();
        }
    }

    private static void flushQuietly(AuthSession session) {
        try {
            session.close();
        } catch (TpmException | IllegalStateException e) {
            log.debug("flushing salted session {} failed: {}", session, e.getMessage());
        }
    }

    /** Flushes the sessions; later calls fail. */
    @Override
    public void close() {
        List<AuthSession> toFlush;
        lock.lock();
        try {
            closed = true;
            toFlush = new ArrayList<>(started);
            started.clear();
            idle.clear();
            returned.signalAll();
        } finally {
            lock.unlock();
        }
        toFlush.forEach(SaltedSessions::flushQuietly);
    }
}
