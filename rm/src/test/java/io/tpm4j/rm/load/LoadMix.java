package io.tpm4j.rm.load;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.commands.ContextLoad;
import io.tpm4j.api.commands.ContextSave;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.CreatePrimary;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.GetRandom;
import io.tpm4j.api.commands.Load;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRh;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One connection's life: a bounded, seeded random run of GetRandom, sessions (started, used, flushed, saved and
 * loaded back, or left), ECC keys (a primary, a child created, loaded, signing, saved and loaded as a copy) and
 * rarely an RSA primary, with pauses between; then a clean end that flushes everything, or an abrupt one that
 * leaves whatever is held for the server to clean up. TPM errors are counted and the run goes on; a transport
 * failure ends the connection (the caller counts it).
 */
final class LoadMix {

    /** Held per connection at most, so the connection stays far inside the RM's quotas (16 sessions, 128 objects). */
    private static final int MAX_HELD_SESSIONS = 2;
    private static final int MAX_HELD_KEYS = 4;

    private final Tpm tpm;
    private final SplittableRandom random;
    private final long deadline;
    private final LoadStats stats;

    private int srk;
    private final Deque<Integer> keys = new ArrayDeque<>();
    private final Deque<AuthSession> sessions = new ArrayDeque<>();
    /** Sessions this connection saved and has not loaded back: it may flush them as they are, or leave them. */
    private final Deque<Integer> savedSessions = new ArrayDeque<>();
    /** The session {@link #savedSession()} has saved and not yet loaded back, for what {@link #flush} counts. */
    private int saving;

    LoadMix(TpmTransport transport, SplittableRandom random, long deadline, LoadStats stats) {
        this.tpm = Tpm.on(transport).withoutParameterEncryption();   // only the commands below reach the server
        this.random = random;
        this.deadline = deadline;
        this.stats = stats;
    }

    void run() {
        // One connection in ten stays until the deadline; the others end after a few steps and reconnect.
        int steps = random.nextInt(10) == 0 ? Integer.MAX_VALUE : 1 + random.nextInt(12);
        for (int i = 0; i < steps && System.currentTimeMillis() < deadline; i++) {
            int pick = random.nextInt(100);
            String step = pick < 25 ? "random" : pick < 45 ? "session" : pick < 70 ? "key"
                    : pick < 82 ? "saved-session" : pick < 94 ? "saved-key" : "idle";
            try {
                switch (step) {
                    case "random" -> tpm.execute(new GetRandom(1 + random.nextInt(32)));
                    case "session" -> session();
                    case "key" -> key();
                    case "saved-session" -> savedSession();
                    case "saved-key" -> savedKey();
                    default -> LoadClient.pause(1000 + random.nextInt(2000));
                }
                stats.add("step." + step, 1);
            } catch (TpmResponseException e) {
                stats.add("step-refused." + step, 1);
            }
            LoadClient.pause(random.nextInt(400));
        }
        if (random.nextInt(100) < 40) {
            stats.add("end.abrupt", 1);
            stats.add("end.abrupt-holding", srk != 0 || !keys.isEmpty() || !sessions.isEmpty() || !savedSessions.isEmpty() ? 1 : 0);
            return;   // the caller closes the socket with everything still held
        }
        flushEverything();
        stats.add("end.clean", 1);
    }

    /** StartAuthSession, a command in it, then FlushContext, or kept for later (an abrupt end may leave it). */
    private void session() {
        AuthSession session = tpm.startSession(Session.hmac(TpmAlg.SHA256).audited());
        try {
            tpm.execute(new GetRandom(8), session);
        } catch (TpmResponseException e) {
            flush(session.handle());
            throw e;
        }
        if (random.nextInt(4) == 0 && sessions.size() < MAX_HELD_SESSIONS) {
            sessions.add(session);
        } else {
            flush(session.handle());
        }
    }

    /** A primary (ECC, rarely RSA), an ECC child created, loaded and signing; the child flushed or kept. */
    private void key() {
        if (random.nextInt(500) == 0) {
            int rsa = primary(Templates.srkRsa2048());
            stats.add("rsa-primaries", 1);
            flush(rsa);
        }
        if (srk == 0) {
            srk = primary(Templates.srkEccP256());
        }
        Create.Response created = tpm.execute(new Create(srk, Authorization.emptyPassword(), SensitiveCreate.EMPTY,
                Templates.eccSigningKey(), new byte[0], List.of()));
        int key = tpm.execute(new Load(srk, Authorization.emptyPassword(), created.outPrivate(),
                created.outPublic())).objectHandle();
        try {
            sign(key);
        } catch (TpmResponseException e) {
            flush(key);
            throw e;
        }
        if (random.nextInt(3) == 0 && keys.size() < MAX_HELD_KEYS) {
            keys.add(key);
        } else {
            flush(key);
        }
        if (random.nextInt(4) == 0) {
            flush(srk);
            srk = 0;
        }
    }

    /** StartAuthSession and ContextSave; then loaded back and used, flushed while saved, or left saved. */
    private void savedSession() {
        AuthSession session = tpm.startSession(Session.hmac(TpmAlg.SHA256).audited());
        SavedContext saved;
        try {
            saved = tpm.execute(new ContextSave(session.handle())).context();
        } catch (TpmResponseException e) {
            flush(session.handle());
            throw e;
        }
        int choice = random.nextInt(10);
        saving = session.handle();
        try {
            if (choice < 5) {
                tpm.execute(new ContextLoad(saved));
                saving = 0;
                try {
                    tpm.execute(new GetRandom(8), session);
                } finally {
                    flush(session.handle());
                }
            } else if (choice < 7 || savedSessions.size() >= MAX_HELD_SESSIONS) {
                flush(session.handle());   // FlushContext of a session in the saved state
            } else {
                savedSessions.add(session.handle());
            }
        } finally {
            saving = 0;
        }
    }

    /** ContextSave of a loaded key, ContextLoad of the context as a second copy, a signature by it, the copy flushed. */
    private void savedKey() {
        if (keys.isEmpty()) {
            key();
            if (keys.isEmpty()) {
                return;
            }
        }
        SavedContext saved = tpm.execute(new ContextSave(keys.peekLast())).context();
        int copy = tpm.execute(new ContextLoad(saved)).loadedHandle();
        try {
            sign(copy);
        } finally {
            flush(copy);
        }
    }

    private int primary(PublicArea template) {
        return tpm.execute(new CreatePrimary(TpmRh.OWNER, Authorization.emptyPassword(), SensitiveCreate.EMPTY,
                template, new byte[0], List.of())).objectHandle();
    }

    private void sign(int key) {
        byte[] digest = new byte[32];
        random.nextBytes(digest);
        tpm.execute(new Sign(key, Authorization.emptyPassword(), digest, Scheme.NULL, Sign.nullTicket()));
    }

    private void flushEverything() {
        for (AuthSession s : sessions) {
            flush(s.handle());
        }
        for (int h : savedSessions) {
            flush(h);
        }
        for (int h : keys) {
            flush(h);
        }
        if (srk != 0) {
            flush(srk);
        }
        sessions.clear();
        savedSessions.clear();
        keys.clear();
        srk = 0;
    }

    /** FlushContext; a refusal is counted (the response code is in the stats) and does not stop the run. */
    private void flush(int handle) {
        try {
            tpm.execute(new FlushContext(handle));
        } catch (TpmResponseException e) {
            stats.add("flush-refused." + ((handle >>> 24) == 0x80 ? "object" : savedSessions.contains(handle)
                    || saving == handle ? "saved session" : "session"), 1);
        }
    }
}
