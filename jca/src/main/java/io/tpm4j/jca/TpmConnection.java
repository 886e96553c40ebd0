package io.tpm4j.jca;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmException;
import io.tpm4j.api.TpmIntegrityException;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.CreatePrimary;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.Load;
import io.tpm4j.api.commands.ReadPublic;
import io.tpm4j.api.commands.TpmCommand;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.jca.LoadedCache.Loaded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A provider's connection to its TPM: the facade over the transport, the parents and keys it has loaded (each once,
 * reused by every operation and thread), and its salted sessions. Every TPM command the provider's services send
 * goes through {@link #run}, which authorises the key as cheaply as its protection allows: an empty password in the
 * clear-text password session (no extra command), a password as an HMAC in a kept salted session, a policy in a
 * fresh policy session. A key whose handle went stale (flushed behind the provider's back) is loaded again, once.
 */
final class TpmConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TpmConnection.class);
    /** The TCG's handle for a persistent storage root key. */
    static final int PERSISTENT_SRK = 0x81000001;
    /** Salted sessions the provider uses at once (see {@link #keyUse}). */
    static final int SESSIONS = 1;
    private static final long SESSION_WAIT_SECONDS = 120;

    private final TpmTarget.Backend backend;
    private final Tpm tpm;
    private final LoadedCache parents = new LoadedCache();
    private final LoadedCache keys = new LoadedCache();
    private volatile SecretView secretView;
    /**
     * One key use at a time, in one salted session: the TPM runs one command at a time anyway, and a TPM has as few
     * as 3 session slots; with a session per thread a resource manager would swap them in and out for every command.
     * Measured with 32 threads and 8 keys on 3 object slots: fewer context loads than with 2 sessions, and no
     * session swapping at all (ConcurrencyTest).
     */
    private final ReentrantLock keyUse = new ReentrantLock(true);

    TpmConnection(TpmTarget.Backend backend) {
        this.backend = backend;
        this.tpm = Tpm.on(backend.transport());
    }

    Tpm tpm() {
        return tpm;
    }

    String description() {
        return backend.description();
    }

    /** The handles of the provider's salted sessions. */
    List<Integer> sessionHandles() {
        return tpm.secretChannelSessions();
    }

    /** A parent, made ready once. */
    Loaded parent(TpmParent parent) {
        return parents.get(parent, () -> switch (parent) {
            case TpmParent.StorageRootKey srk -> storageRootKey();
            case TpmParent.Persistent p -> persistent(p.handle());
            case TpmParent.Primary p -> primary(p.hierarchy(), p.template());
        });
    }

    private Loaded storageRootKey() {
        try {
            ReadPublic.Response r = tpm.readPublic(PERSISTENT_SRK);
            if (Templates.isStandardSrk(r.outPublic())) {
                log.debug("using the storage root key persisted at 0x81000001");
                return new Loaded(PERSISTENT_SRK, r.name(), r.outPublic(), false);
            }
        } catch (TpmResponseException e) {
            // Nothing there (TPM_RC_HANDLE), or not readable: create the standard one.
        }
        return primary(TpmRh.OWNER, Templates.srkEccP256());
    }

    private Loaded persistent(int handle) {
        ReadPublic.Response r = tpm.readPublic(handle);
        return new Loaded(handle, r.name(), r.outPublic(), false);
    }

    private Loaded primary(int hierarchy, PublicArea template) {
        CreatePrimary.Response r = tpm.execute(new CreatePrimary(hierarchy, Authorization.emptyPassword(),
                SensitiveCreate.EMPTY, template, new byte[0], List.of()));
        log.debug("created a primary key under 0x{} at 0x{}", Integer.toHexString(hierarchy),
                Integer.toHexString(r.objectHandle()));
        return new Loaded(r.objectHandle(), r.name(), r.outPublic(), true);
    }

    /** The key, loaded once (a loadable key under its parent) or looked up once (a key at a handle). */
    Loaded key(TpmKey key) {
        key.checkNotDestroyed();
        return switch (key.source()) {
            case TpmKey.AtHandle h -> keys.get(h, () -> persistent(h.handle()));
            case TpmKey.Loadable l -> keys.get(new LoadId(l, key.publicArea()), () -> load(l, key.publicArea()));
        };
    }

    /** What makes two loadable keys the same TPM object. */
    private record LoadId(TpmKey.Loadable source, PublicArea publicArea) {
    }

    private Loaded load(TpmKey.Loadable source, PublicArea publicArea) {
        for (int attempt = 1; ; attempt++) {
            Loaded parent = parent(source.parent());
            try {
                Load.Response r = tpm.execute(new Load(parent.handle(), Authorization.emptyPassword(),
                        source.privateBlob(), publicArea));
                return new Loaded(r.objectHandle(), r.name(), publicArea, true);
            } catch (TpmResponseException e) {
                if (attempt > 1 || !stale(e.responseCode())) {
                    throw e;
                }
                log.debug("parent {} is gone ({}); making it ready again", source.parent(), e.responseCode().describe());
                parents.invalidate(source.parent(), parent);
            }
        }
    }

    /** Whether a response says handle 1 names nothing loaded: the key was flushed behind the provider's back. */
    private static boolean stale(ResponseCode rc) {
        return rc.is(TpmRc.REFERENCE_H0) || rc.is(TpmRc.HANDLE) && rc.handleNumber().orElse(0) == 1;
    }

    /** The key's cached handle is wrong (gone, or now another object's): it is loaded again at its next use. */
    void forget(TpmKey key, Loaded stale) {
        switch (key.source()) {
            case TpmKey.AtHandle h -> keys.invalidate(h, stale);
            case TpmKey.Loadable l -> keys.invalidate(new LoadId(l, key.publicArea()), stale);
        }
    }

    /** A command for a key: its loaded handle and Name, and the authorisation to put on it. */
    @FunctionalInterface
    interface KeyCommand<R> {
        TpmCommand<R> make(Loaded key, Authorization auth);
    }

    /**
     * Runs a command on {@code key}. A key the TPM no longer has at its cached handle (a handle error, or the
     * Name binding failing because the handle now names another object) is loaded again and the command sent once
     * more; a persistent key whose handle now holds another key is refused.
     */
    <R> R run(TpmKey key, KeyCommand<R> command) {
        for (int attempt = 1; ; attempt++) {
            Loaded loaded = key(key);
            try {
                return authorized(key, loaded, command);
            } catch (TpmResponseException e) {
                boolean gone = stale(e.responseCode()) || authFailed(e.responseCode()) && !namedBy(loaded);
                if (!gone || attempt > 1) {
                    throw e;
                }
                if (key.source() instanceof TpmKey.AtHandle h) {
                    throw new TpmIntegrityException(e.commandCode(), "0x" + Integer.toHexString(h.handle())
                            + " no longer holds " + key + " (" + e.responseCode().describe()
                            + "): the persistent handle was evicted or now holds another key");
                }
                log.debug("key {} is no longer at 0x{} ({}); loading it again", key, Integer.toHexString(loaded.handle()),
                        e.responseCode().describe());
                forget(key, loaded);
            }
        }
    }

    /** Whether the key's session failed its HMAC check: a wrong password, or a handle naming another object. */
    private static boolean authFailed(ResponseCode rc) {
        return (rc.is(TpmRc.AUTH_FAIL) || rc.is(TpmRc.BAD_AUTH)) && rc.sessionNumber().orElse(0) == 1;
    }

    /** Whether the handle still names the loaded key (one TPM2_ReadPublic, only after a failure). */
    private boolean namedBy(Loaded loaded) {
        try {
            return Arrays.equals(tpm.readPublic(loaded.handle()).name(), loaded.name());
        } catch (TpmResponseException e) {
            return false;
        }
    }

    /**
     * Every key use carries an HMAC over the key's Name in a salted session (its password, empty or not, as the
     * HMAC key; a policy key's session has the salted one alongside): the TPM itself refuses a handle that names
     * another object, and the response is authenticated, at no extra command.
     */
    private <R> R authorized(TpmKey key, Loaded loaded, KeyCommand<R> command) {
        if (key.policy().isPresent()) {
            return withPolicy(key, loaded, command);
        }
        byte[] authValue = key.authValue();
        try {
            return secretly(s -> tpm.execute(command.make(loaded,
                    Authorization.session(s, authValue).forEntity(loaded.name()))));
        } finally {
            Arrays.fill(authValue, (byte) 0);
        }
    }

    private <R> R withPolicy(TpmKey key, Loaded loaded, KeyCommand<R> command) {
        byte[] authValue = key.authValue();
        try (AuthSession policySession = tpm.startSession(Session.policy(key.publicArea().nameAlg()))) {
            Authorization.PolicyProof proof = key.policy().orElseThrow().satisfy(tpm, policySession);
            Authorization auth = ((Authorization.Policy) Authorization.policy(policySession, proof, authValue))
                    .lastUse().forEntity(loaded.name());
            return secretly(s -> tpm.execute(command.make(loaded, auth), s));
        } finally {
            Arrays.fill(authValue, (byte) 0);
        }
    }

    /**
     * TPM2_Create under {@code parent}: the new key's password travels encrypted in a salted session, which also
     * proves the parent's (empty) authorisation.
     */
    Create.Response create(TpmParent parent, PublicArea template, byte[] authValue) {
        for (int attempt = 1; ; attempt++) {
            Loaded p = parent(parent);
            try {
                return secretly(s -> tpm.execute(new Create(p.handle(),
                        Authorization.session(s, new byte[0]).forEntity(p.name()),
                        new SensitiveCreate(authValue, new byte[0]), template, new byte[0], List.of())));
            } catch (TpmResponseException e) {
                if (attempt > 1 || !stale(e.responseCode())) {
                    throw e;
                }
                parents.invalidate(parent, p);
            }
        }
    }

    /**
     * Runs {@code work} with one of the salted sessions (e.g. for a command whose response is secret): the facade's
     * secret channel, salted to the provider's own storage root key so that no second one is made for it.
     */
    <T> T secretly(Function<AuthSession, T> work) {
        try {
            if (!keyUse.tryLock(SESSION_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the provider's salted session stayed busy for " + SESSION_WAIT_SECONDS
                        + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for one of the provider's salted sessions", e);
        }
        try {
            return inSecretView(work);
        } finally {
            keyUse.unlock();
        }
    }

    private <T> T inSecretView(Function<AuthSession, T> work) {
        Loaded srk = parent(TpmParent.storageRootKey());
        SecretView view = secretView;
        if (view == null || view.srk() != srk) {
            view = new SecretView(srk, tpm.encryptingTo(srk.handle(), srk.publicArea()));
            secretView = view;
        }
        return view.tpm().inSecretSession(work);
    }

    /** The facade's view salted to one SRK, kept so that a key use does not make a new one. */
    private record SecretView(Loaded srk, Tpm tpm) {
    }

    /** Flushes what the provider loaded or created and its sessions, then closes the transport and what it owns. */
    @Override
    public void close() {
        try {
            for (Loaded loaded : keys.drain()) {
                flushQuietly(loaded);
            }
            for (Loaded loaded : parents.drain()) {
                flushQuietly(loaded);
            }
        } finally {
            try {
                tpm.close();
            } finally {
                backend.close();
            }
        }
    }

    private void flushQuietly(Loaded loaded) {
        if (!loaded.flushOnClose()) {
            return;
        }
        try {
            tpm.execute(new FlushContext(loaded.handle()));
        } catch (TpmException | IllegalStateException e) {
            log.debug("flushing 0x{} failed: {}", Integer.toHexString(loaded.handle()), e.getMessage());
        }
    }
}
