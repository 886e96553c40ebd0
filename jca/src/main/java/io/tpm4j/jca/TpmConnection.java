package io.tpm4j.jca;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmException;
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

    private final TpmTarget.Backend backend;
    private final Tpm tpm;
    private final LoadedCache parents = new LoadedCache();
    private final LoadedCache keys = new LoadedCache();
    private final SaltedSessions sessions;

    TpmConnection(TpmTarget.Backend backend) {
        this.backend = backend;
        this.tpm = Tpm.on(backend.transport());
        this.sessions = new SaltedSessions(tpm, () -> {
            Loaded srk = parent(TpmParent.storageRootKey());
            return new SaltedSessions.SaltKey(srk.handle(), srk.publicArea());
        });
    }

    Tpm tpm() {
        return tpm;
    }

    String description() {
        return backend.description();
    }

    /** The handles the provider holds in its view of the TPM: loaded keys, parents it created, sessions. */
    List<Integer> sessionHandles() {
        return sessions.handles();
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
            if (isStandardSrk(r.outPublic())) {
                log.debug("using the storage root key persisted at 0x81000001");
                return new Loaded(PERSISTENT_SRK, r.name(), r.outPublic(), false);
            }
        } catch (TpmResponseException e) {
            // Nothing there (TPM_RC_HANDLE), or not readable: create the standard one.
        }
        return primary(TpmRh.OWNER, Templates.srkEccP256());
    }

    private static boolean isStandardSrk(PublicArea area) {
        return List.of(Templates.srkEccP256(), Templates.srkRsa2048()).stream().anyMatch(t -> t.nameAlg() == area.nameAlg()
                && t.attributes().equals(area.attributes()) && Arrays.equals(t.authPolicy(), area.authPolicy())
                && t.parameters().equals(area.parameters()));
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
     * Runs a command on {@code key}. {@code secret}: the command carries a secret either way (a decrypted message,
     * a shared point, a MAC), so it goes in a salted session that encrypts its first parameters. A key the TPM no
     * longer has at its cached handle is loaded again and the command sent once more.
     */
    <R> R run(TpmKey key, boolean secret, KeyCommand<R> command) {
        for (int attempt = 1; ; attempt++) {
            Loaded loaded = key(key);
            try {
                return authorized(key, loaded, secret, command);
            } catch (TpmResponseException e) {
                if (attempt > 1 || !stale(e.responseCode()) || key.source() instanceof TpmKey.AtHandle) {
                    throw e;
                }
                log.debug("key {} is no longer at 0x{} ({}); loading it again", key, Integer.toHexString(loaded.handle()),
                        e.responseCode().describe());
                forget(key, loaded);
            }
        }
    }

    private <R> R authorized(TpmKey key, Loaded loaded, boolean secret, KeyCommand<R> command) {
        if (key.policy().isPresent()) {
            return withPolicy(key, loaded, secret, command);
        }
        if (!secret && !key.hasPassword()) {
            return tpm.execute(command.make(loaded, Authorization.emptyPassword()));
        }
        byte[] authValue = key.authValue();
        try {
            return sessions.run(s -> tpm.execute(command.make(loaded,
                    Authorization.session(s, authValue).forEntity(loaded.name()))));
        } finally {
            Arrays.fill(authValue, (byte) 0);
        }
    }

    private <R> R withPolicy(TpmKey key, Loaded loaded, boolean secret, KeyCommand<R> command) {
        byte[] authValue = key.authValue();
        try (AuthSession policySession = tpm.startSession(Session.policy(key.publicArea().nameAlg()))) {
            Authorization.PolicyProof proof = key.policy().orElseThrow().satisfy(tpm, policySession);
            Authorization auth = ((Authorization.Policy) Authorization.policy(policySession, proof, authValue))
                    .lastUse().forEntity(loaded.name());
            return secret ? sessions.run(s -> tpm.execute(command.make(loaded, auth), s))
                    : tpm.execute(command.make(loaded, auth));
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
                return sessions.run(s -> tpm.execute(new Create(p.handle(),
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

    /** Runs {@code work} with one of the salted sessions (e.g. for a command whose response is secret). */
    <T> T secretly(Function<AuthSession, T> work) {
        return sessions.run(work);
    }

    /** Flushes what the provider loaded or created and its sessions, then closes the transport and what it owns. */
    @Override
    public void close() {
        try {
            sessions.close();
            for (Loaded loaded : keys.drain()) {
                flushQuietly(loaded);
            }
            for (Loaded loaded : parents.drain()) {
                flushQuietly(loaded);
            }
        } finally {
            backend.close();
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
