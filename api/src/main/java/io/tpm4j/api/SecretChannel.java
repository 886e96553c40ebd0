package io.tpm4j.api;

import io.tpm4j.api.commands.ContextLoad;
import io.tpm4j.api.commands.ContextSave;
import io.tpm4j.api.commands.CreatePrimary;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.ReadPublic;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The facade's secret channel: salted HMAC sessions that encrypt the first parameter of commands and responses,
 * kept across calls (continueSession), so that a secret-carrying call costs the one TPM command it needs.
 *
 * <p>A session is started on first use, salted to the key the caller named or else to the storage root key: a
 * persistent one at the TCG's 0x81000001 when its public area is a standard SRK template, else the standard ECC
 * SRK, created once (its context is saved, and loaded again for a later start) and flushed as soon as the session
 * has started. Either way the SRK's Name is trusted on first use and must stay the same. A session is used by one command at a time; when threads contend the channel grows to at most
 * {@link #MAX_SESSIONS}. A session the TPM or a resource manager lost (a handle or reference error about it) is
 * replaced once, transparently; an authorisation failure never is, since the TPM counts it against
 * dictionary-attack lockout. {@link #close()} flushes the sessions.
 */
final class SecretChannel implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SecretChannel.class);
    /** Sessions one channel may hold when threads contend; the TPM has few session slots. */
    static final int MAX_SESSIONS = 4;
    /** How long a call waits for a busy channel's session before giving up. */
    private static final long WAIT_SECONDS = 120;
    /** The TCG's recommended handle for a persistent storage root key. */
    static final int PERSISTENT_SRK = 0x81000001;
    private static final Set<TpmRc> LOST = EnumSet.of(TpmRc.REFERENCE_S0, TpmRc.REFERENCE_S1, TpmRc.REFERENCE_S2);

    private final CommandExecutor executor;
    /** The key named with {@code Tpm.encryptingTo}, or null for the SRK. */
    private final SaltKey saltKey;
    /** The SRK's Name as first seen, shared by every channel of one {@code Tpm}; a different one later is refused. */
    private final AtomicReference<byte[]> srkName;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition returned = lock.newCondition();
    private final Deque<AuthSession> idle = new ArrayDeque<>();
    private final List<AuthSession> started = new ArrayList<>();
    private boolean closed;
    /** How many sessions the channel may hold: fewer than MAX_SESSIONS once the TPM had no room for more. */
    private int limit = MAX_SESSIONS;
    // What the channel knows of its SRK, kept so that a later session start does not create it again.
    private boolean persistentLooked;
    private PublicArea persistentSrk;
    private PublicArea srkPublic;
    private SavedContext savedSrk;

    /** A loaded decryption key that sessions are salted to, as the caller named it. */
    record SaltKey(int handle, PublicArea publicArea) {
    }

    SecretChannel(CommandExecutor executor, SaltKey saltKey, AtomicReference<byte[]> srkName) {
        this.executor = executor;
        this.saltKey = saltKey;
        this.srkName = srkName;
    }

    /**
     * Runs {@code work} with one of the channel's sessions. When the session turns out to be gone, a new one is
     * started and {@code work} runs once more: every call the facade makes through the channel sends commands
     * that the TPM refuses before doing anything, or that do the same again.
     */
    <T> T run(Function<AuthSession, T> work) {
        for (int attempt = 1; ; attempt++) {
            AuthSession session = acquire();
            try {
                T result = work.apply(session);
                release(session);
                return result;
            } catch (TpmResponseException e) {
                if (!lost(e)) {
                    release(session);
                    throw e;
                }
                forget(session);
                if (attempt > 1) {
                    throw e;
                }
                log.debug("the secret channel's session {} is gone ({}); starting a new one", session,
                        e.responseCode().describe());
            } catch (RuntimeException e) {
                // A malformed or unverified response leaves the session's nonces unknown: it is not used again.
                discard(session);
                throw e;
            }
        }
    }

    /** The handles of the sessions this channel holds in the TPM. */
    List<Integer> handles() {
        lock.lock();
        try {
            return started.stream().map(AuthSession::handle).toList();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Flushes the sessions no call is using, to make room in a TPM without a resource manager (a few loaded
     * sessions is all a TPM has); the channel starts a session again when it next needs one.
     *
     * @return whether any session was flushed
     */
    boolean flushIdle() {
        List<AuthSession> toFlush;
        lock.lock();
        try {
            toFlush = new ArrayList<>(idle);
            idle.clear();
            started.removeAll(toFlush);
        } finally {
            lock.unlock();
        }
        toFlush.forEach(this::flushQuietly);
        return !toFlush.isEmpty();
    }

    private void flushQuietly(AuthSession s) {
        try {
            s.close();
        } catch (TpmException | IllegalStateException e) {
            // The TPM is gone, or its transport closed already: nothing is left to flush.
            log.debug("flushing the secret channel's session {} failed: {}", s, e.getMessage());
        }
    }

    /** Flushes the channel's sessions; a later call through the channel fails. */
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
        toFlush.forEach(this::flushQuietly);
    }

    /** Whether {@code e} says the TPM (or a resource manager) no longer has the session the command used. */
    private static boolean lost(TpmResponseException e) {
        ResponseCode rc = e.responseCode();
        return LOST.stream().anyMatch(rc::is) || rc.is(TpmRc.HANDLE) && rc.sessionNumber().isPresent();
    }

    private AuthSession acquire() {
        lock.lock();
        try {
            long nanos = TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (true) {
                if (closed) {
                    throw new IllegalStateException("this Tpm is closed");
                }
                AuthSession free = idle.pollFirst();
                if (free != null) {
                    return free;
                }
                if (started.size() < limit) {
                    AuthSession fresh = startOrWait();
                    if (fresh != null) {
                        started.add(fresh);
                        return fresh;
                    }
                }
                if (nanos <= 0) {
                    throw new IllegalStateException("all " + started.size() + " sessions of the secret channel "
                            + "stayed busy for " + WAIT_SECONDS + " s");
                }
                nanos = returned.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a secret-channel session", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A new session, or null when the TPM has no room for one more and the channel has sessions of its own to
     * wait for: the channel then stays at the size the TPM allows.
     */
    private AuthSession startOrWait() {
        try {
            return start();
        } catch (TpmResponseException e) {
            if (started.isEmpty() || !(e.is(TpmRc.SESSION_MEMORY) || e.is(TpmRc.SESSION_HANDLES)
                    || e.is(TpmRc.OBJECT_MEMORY))) {
                throw e;
            }
            limit = started.size();
            log.debug("the TPM has room for {} secret-channel sessions ({})", limit, e.responseCode().describe());
            return null;
        }
    }

    private void release(AuthSession session) {
        lock.lock();
        try {
            if (started.contains(session) && !session.ended()) {
                idle.addFirst(session);
            } else {
                started.remove(session);
            }
            returned.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Drops a session the TPM no longer has. */
    private void forget(AuthSession session) {
        lock.lock();
        try {
            started.remove(session);
            returned.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Drops a session in an unknown state, flushing it if the TPM still has it. */
    private void discard(AuthSession session) {
        forget(session);
        flushQuietly(session);
    }

    /** Starts one salted, encrypting HMAC session (the lock is held: sessions start one at a time). */
    private AuthSession start() {
        Session options = Session.hmac(TpmAlg.SHA256).encrypted();
        if (saltKey != null) {
            return AuthSession.start(executor, options.salted(saltKey.handle(), saltKey.publicArea()));
        }
        if (!persistentLooked) {
            persistentSrk = persistentSrk();
            persistentLooked = true;
        }
        if (persistentSrk != null) {
            return AuthSession.start(executor, options.salted(PERSISTENT_SRK, persistentSrk));
        }
        int srk = loadSrk();
        try {
            // The salt key is needed only to start the session: flushed at once, it takes no object slot.
            return AuthSession.start(executor, options.salted(srk, srkPublic));
        } finally {
            executor.execute(new FlushContext(srk));
        }
    }

    /**
     * Loads the standard ECC SRK: from the context saved when it was created (one cheap command), or, the first
     * time and whenever that context is no longer good (a TPM reset, a cleared owner hierarchy), by
     * TPM2_CreatePrimary, which a chip takes tens to hundreds of milliseconds for. Its Name must be the first one.
     */
    private int loadSrk() {
        if (savedSrk != null) {
            try {
                return executor.execute(new ContextLoad(savedSrk)).loadedHandle();
            } catch (TpmResponseException e) {
                log.debug("the saved storage root key did not load ({}); creating it again", e.responseCode().describe());
                savedSrk = null;
            }
        }
        CreatePrimary.Response created = executor.execute(new CreatePrimary(TpmRh.OWNER, Authorization.emptyPassword(),
                SensitiveCreate.EMPTY, Templates.srkEccP256(), new byte[0], List.of()));
        int handle = created.objectHandle();
        try {
            trust(created.name());
        } catch (RuntimeException e) {
            executor.execute(new FlushContext(handle));
            throw e;
        }
        srkPublic = created.outPublic();
        try {
            savedSrk = executor.execute(new ContextSave(handle)).context();
        } catch (TpmResponseException e) {
            log.debug("the storage root key could not be context-saved ({}); it will be created again when needed",
                    e.responseCode().describe());
        }
        return handle;
    }

    /** The public area of a standard SRK persisted at 0x81000001 (Name trusted on first use), or null. */
    private PublicArea persistentSrk() {
        ReadPublic.Response r;
        try {
            r = executor.execute(new ReadPublic(PERSISTENT_SRK));
        } catch (TpmResponseException e) {
            return null; // none there (TPM_RC_HANDLE), or not ours to read
        }
        if (!Templates.isStandardSrk(r.outPublic())) {
            return null;
        }
        trust(r.name());
        return r.outPublic();
    }

    private void trust(byte[] name) {
        byte[] first = srkName.compareAndExchange(null, name);
        if (first != null && !Arrays.equals(first, name)) {
            throw new TpmIntegrityException(TpmCc.CREATE_PRIMARY.value(), "the storage root key's Name changed since "
                    + "this Tpm first saw it; refusing to encrypt secrets to it (was the owner hierarchy cleared, or "
                    + "is the TPM not the one it was?)");
        }
    }
}
