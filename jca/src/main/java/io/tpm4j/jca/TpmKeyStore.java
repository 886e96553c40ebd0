package io.tpm4j.jca;

import io.tpm4j.api.TpmException;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.EvictControl;
import io.tpm4j.api.commands.ReadPublic;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.jca.KeyStoreAlias.Handle;
import io.tpm4j.jca.KeyStoreAlias.KeyFile;
import io.tpm4j.jca.keyfile.KeyFileException;
import io.tpm4j.jca.keyfile.TssKeyLoader;
import io.tpm4j.jca.keyfile.TssPrivateKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.KeyStoreSpi;
import java.security.PublicKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code TPM} key store: its aliases are URIs, {@code handle:0x81000001} (a persistent key) and
 * {@code file:/abs/path/key.pem} (a TSS2 PRIVATE KEY file), see docs/jca.md. Nothing is kept by the store itself:
 * entries are read from the TPM and the file system when asked for and written when set, so {@code store} has
 * nothing to do. Thread-safe as far as the file system and TPM are.
 */
final class TpmKeyStore extends KeyStoreSpi {

    private static final Logger log = LoggerFactory.getLogger(TpmKeyStore.class);

    private final Tpm4jProvider provider;
    /** The file aliases this store has read or written: listed by {@link #engineAliases()} while their file exists. */
    private final Set<KeyFile> usedFiles = Collections.synchronizedSet(new LinkedHashSet<>());
    /** Persistent keys' chains set through this store, when there is no directory for them. */
    private final Map<Integer, Certificate[]> handleChains = new ConcurrentHashMap<>();
    private volatile Optional<Path> handleChainDirectory = Optional.empty();

    TpmKeyStore(Tpm4jProvider provider) {
        this.provider = provider;
    }

    // ---- loading and storing: the entries live in the TPM and in files, not in a stream

    @Override
    public void engineLoad(InputStream stream, char[] password) throws IOException {
        if (stream != null) {
            throw new IOException("the TPM key store reads no stream: load it with load(null, null) "
                    + "or load(TpmKeyStoreParameter)");
        }
    }

    @Override
    public void engineLoad(KeyStore.LoadStoreParameter parameter) throws IOException {
        if (parameter == null) {
            return;
        }
        if (!(parameter instanceof TpmKeyStoreParameter p)) {
            throw new IllegalArgumentException("the TPM key store takes a TpmKeyStoreParameter or null, not "
                    + parameter.getClass().getName());
        }
        if (p.handleChains().isPresent() && !Files.isDirectory(p.handleChains().get())) {
            throw new IOException(p.handleChains().get() + " is not a directory (for the chains of persistent keys)");
        }
        handleChainDirectory = p.handleChains();
    }

    /** Nothing to write: every entry was written to the TPM or its file when it was set. */
    @Override
    public void engineStore(OutputStream stream, char[] password) throws IOException {
        if (stream != null) {
            throw new IOException("the TPM key store writes no stream: its entries are written to the TPM and to their "
                    + "files when they are set");
        }
    }

    @Override
    public void engineStore(KeyStore.LoadStoreParameter parameter) {
        // Nothing to write, as above.
    }

    // ---- reading entries

    @Override
    public Key engineGetKey(String alias, char[] password) throws UnrecoverableKeyException {
        Optional<KeyStoreAlias> parsed = KeyStoreAlias.parse(alias);
        if (parsed.isEmpty()) {
            return null;
        }
        return switch (parsed.get()) {
            case Handle h -> persistentKey(h, password);
            case KeyFile f -> fileKey(f, password);
        };
    }

    private TpmKey persistentKey(Handle h, char[] password) throws UnrecoverableKeyException {
        try {
            return provider.persistentKey(h.handle(), password, null);
        } catch (TpmResponseException e) {
            if (nothingAt(e)) {
                return null;
            }
            throw unrecoverable(h + ": TPM2_ReadPublic failed: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw unrecoverable(h + ": " + e.getMessage(), e);
        }
    }

    private TpmKey fileKey(KeyFile f, char[] password) throws UnrecoverableKeyException {
        TpmKey key = KeyFileKeys.read(provider, f, password);
        if (key != null) {
            usedFiles.add(f);
        }
        return key;
    }

    @Override
    public Certificate[] engineGetCertificateChain(String alias) {
        Optional<KeyStoreAlias> parsed = KeyStoreAlias.parse(alias);
        if (parsed.isEmpty()) {
            return null;
        }
        Optional<Certificate[]> chain = switch (parsed.get()) {
            case Handle h -> handleChainDirectory.isPresent()
                    ? KeyStoreAlias.readChain(handleChainFile(h)) : Optional.ofNullable(handleChains.get(h.handle()));
            case KeyFile f -> KeyStoreAlias.readChain(f.chainFile());
        };
        return chain.map(Certificate[]::clone).orElse(null);
    }

    @Override
    public Certificate engineGetCertificate(String alias) {
        Certificate[] chain = engineGetCertificateChain(alias);
        return chain == null ? null : chain[0];
    }

    @Override
    public String engineGetCertificateAlias(Certificate cert) {
        for (String alias : Collections.list(engineAliases())) {
            if (cert.equals(engineGetCertificate(alias))) {
                return alias;
            }
        }
        return null;
    }

    /** A key file's modification time; null for a persistent key (the TPM does not record it). */
    @Override
    public Date engineGetCreationDate(String alias) {
        if (KeyStoreAlias.parse(alias).orElse(null) instanceof KeyFile f && Files.isRegularFile(f.path())) {
            try {
                return new Date(Files.getLastModifiedTime(f.path()).toMillis());
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    /** The persistent objects in the TPM (TPM2_GetCapability), then the key files this store used that still exist. */
    @Override
    public Enumeration<String> engineAliases() {
        List<String> aliases = new ArrayList<>();
        for (int handle : provider.connection().tpm().handles(TpmHt.PERSISTENT)) {
            aliases.add(new Handle(handle).toString());
        }
        List<KeyFile> files;
        synchronized (usedFiles) {
            files = List.copyOf(usedFiles);
        }
        files.stream().filter(f -> Files.isRegularFile(f.path())).forEach(f -> aliases.add(f.toString()));
        return Collections.enumeration(aliases);
    }

    @Override
    public boolean engineContainsAlias(String alias) {
        return switch (KeyStoreAlias.parse(alias).orElse(null)) {
            case null -> false;
            case Handle h -> provider.connection().tpm().handles(TpmHt.PERSISTENT).contains(h.handle());
            case KeyFile f -> Files.isRegularFile(f.path());
        };
    }

    @Override
    public int engineSize() {
        return Collections.list(engineAliases()).size();
    }

    /** Every entry is a key entry (the key store holds no trusted certificates). */
    @Override
    public boolean engineIsKeyEntry(String alias) {
        return engineContainsAlias(alias);
    }

    @Override
    public boolean engineIsCertificateEntry(String alias) {
        return false;
    }

    // ---- writing entries

    /**
     * {@code file:}: writes the key as a TSS2 PRIVATE KEY file (mode 0600) and the chain next to it; a file that holds
     * another key is not overwritten. {@code handle:}: makes the key persistent (TPM2_EvictControl, owner
     * authorisation empty). Setting the same key again replaces only its chain. {@code password} is the key's own
     * (the TPM's authValue cannot be changed here): null, or the key's password.
     */
    @Override
    public void engineSetKeyEntry(String alias, Key key, char[] password, Certificate[] chain) throws KeyStoreException {
        KeyStoreAlias target = KeyStoreAlias.parse(alias).orElseThrow(() -> new KeyStoreException("'" + alias
                + "' is not an alias of the TPM key store: use " + KeyStoreAlias.FORMS));
        if (!(key instanceof TpmKey tpmKey)) {
            throw new KeyStoreException("the TPM key store holds TPM keys (made by the tpm4j provider), not "
                    + (key == null ? "null" : key.getClass().getName()) + ": a software key cannot be put into a TPM here");
        }
        if (tpmKey.provider() != provider) {
            throw new KeyStoreException("the key belongs to another tpm4j provider (" + tpmKey.provider().configuration()
                    + "); use the key store of that provider");
        }
        checkPassword(tpmKey, password);
        checkChain(tpmKey, chain);
        switch (target) {
            case KeyFile f -> writeFile(f, tpmKey, chain);
            case Handle h -> persist(h, tpmKey, chain);
        }
    }

    private static void checkPassword(TpmKey key, char[] password) throws KeyStoreException {
        if (password == null) {
            return;
        }
        ByteBuffer given = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] givenBytes = new byte[given.remaining()];
        given.get(givenBytes);
        byte[] own = key.authValue();
        try {
            if (!Arrays.equals(givenBytes, own)) {
                throw new KeyStoreException("the password differs from the key's own: a TPM key's password is fixed when "
                        + "the key is made (TPM2_ObjectChangeAuth changes it); pass null or the key's password");
            }
        } finally {
            Arrays.fill(givenBytes, (byte) 0);
            Arrays.fill(own, (byte) 0);
        }
    }

    private static void checkChain(TpmKey key, Certificate[] chain) throws KeyStoreException {
        if (chain == null || chain.length == 0) {
            return;
        }
        PublicKey publicKey = switch (key) {
            case TpmEcKey ec -> ec.publicKey();
            case TpmRsaKey rsa -> rsa.publicKey();
            case TpmHmacKey hmac -> throw new KeyStoreException("an HMAC key has no certificate");
        };
        if (!publicKey.equals(chain[0].getPublicKey())) {
            throw new KeyStoreException("the chain's first certificate is not for this key (its public key differs)");
        }
    }

    private void writeFile(KeyFile f, TpmKey key, Certificate[] chain) throws KeyStoreException {
        TssPrivateKey file = asKeyFile(f, key);
        try {
            if (Files.exists(f.path())) {
                TssPrivateKey existing = TssPrivateKey.read(f.path());
                if (!existing.publicArea().equals(file.publicArea())
                        || !Arrays.equals(existing.privateArea(), file.privateArea())) {
                    throw new KeyStoreException(f + " exists and holds another key; it is not overwritten (a TPM key "
                            + "whose file is lost is lost): deleteEntry it first");
                }
            } else {
                file.write(f.path());
            }
            if (chain == null || chain.length == 0) {
                Files.deleteIfExists(f.chainFile());
            } else {
                KeyStoreAlias.writeChain(f.chainFile(), chain);
            }
            usedFiles.add(f);
        } catch (FileAlreadyExistsException e) {
            throw new KeyStoreException(f + " was created by someone else meanwhile; it is not overwritten", e);
        } catch (IOException | KeyFileException | CertificateEncodingException e) {
            throw new KeyStoreException(f + ": " + e.getMessage(), e);
        }
    }

    /** The key as a file: its parent must be one a file can name. */
    private TssPrivateKey asKeyFile(KeyFile f, TpmKey key) throws KeyStoreException {
        byte[] blob = key.privateBlob().orElseThrow(() -> new KeyStoreException(f + ": the key is persistent ("
                + key + "); only a loadable key (a private blob under a parent) can be written to a file"));
        List<TssPrivateKey.TpmPolicy> policy = List.of();
        if (key.policy().isPresent()) {
            if (!(key.policy().get() instanceof KeyFilePolicy fromFile)) {
                throw new KeyStoreException(f + ": the key has a policy callback, which a key file cannot carry "
                        + "(a key read from a file keeps the file's policy statements, and can be written)");
            }
            policy = fromFile.steps();
        }
        TpmParent parent = key.parent().orElseThrow();
        int parentHandle;
        boolean rsaParent = false;
        switch (parent) {
            case TpmParent.Persistent p -> parentHandle = p.handle();
            case TpmParent.Primary p when p.template().equals(TssKeyLoader.eccParentTemplate()) -> parentHandle = p.hierarchy();
            case TpmParent.Primary p when p.template().equals(TssKeyLoader.rsaParentTemplate()) -> {
                parentHandle = p.hierarchy();
                rsaParent = true;
            }
            case TpmParent.StorageRootKey srk when isPersistentSrk() -> parentHandle = TpmConnection.PERSISTENT_SRK;
            default -> throw new KeyStoreException(f + ": the key's parent (" + parent + ") is not one a key file can name "
                    + "(tpm4j's own SRK template differs from the format's primary); make the key under "
                    + "TpmParent.keyFilePrimary() or a persistent parent");
        }
        TssPrivateKey loadable = TssPrivateKey.loadable(parentHandle, key.publicArea(), blob, !key.hasPassword());
        return rsaParent ? new TssPrivateKey(loadable.type(), loadable.emptyAuth(), policy, new byte[0], List.of(),
                Optional.empty(), true, parentHandle, key.publicArea(), blob) : loadable.withPolicy(policy);
    }

    /** Whether the provider's storage root key is the standard SRK persisted at 0x81000001 (which a file can name). */
    private boolean isPersistentSrk() {
        LoadedCache.Loaded srk = provider.connection().parent(TpmParent.storageRootKey());
        return srk.handle() == TpmConnection.PERSISTENT_SRK && !srk.flushOnClose();
    }

    private void persist(Handle h, TpmKey key, Certificate[] chain) throws KeyStoreException {
        TpmConnection connection = provider.connection();
        if (key.handle().isPresent() && key.handle().getAsInt() != h.handle()) {
            throw new KeyStoreException(h + ": the key is persistent at another handle ("
                    + String.format("0x%08x", key.handle().getAsInt()) + ")");
        }
        Optional<PublicArea> there = publicAreaAt(h);
        if (there.isPresent()) {
            if (!there.get().equals(key.publicArea())) {
                throw new KeyStoreException(h + " holds another object; it is not evicted (deleteEntry it first)");
            }
        } else {
            LoadedCache.Loaded loaded = connection.key(key);
            try {
                connection.tpm().execute(new EvictControl(TpmRh.OWNER, Authorization.emptyPassword(), loaded.handle(),
                        h.handle()));
                log.debug("made {} persistent at {}", key, h);
            } catch (TpmException e) {
                throw new KeyStoreException(h + ": TPM2_EvictControl failed: " + e.getMessage(), e);
            }
        }
        setHandleChain(h, chain);
    }

    private Optional<PublicArea> publicAreaAt(Handle h) throws KeyStoreException {
        try {
            ReadPublic.Response r = provider.connection().tpm().readPublic(h.handle());
            return Optional.of(r.outPublic());
        } catch (TpmResponseException e) {
            if (nothingAt(e)) {
                return Optional.empty();
            }
            throw new KeyStoreException(h + ": TPM2_ReadPublic failed: " + e.getMessage(), e);
        }
    }

    private void setHandleChain(Handle h, Certificate[] chain) throws KeyStoreException {
        boolean none = chain == null || chain.length == 0;
        Optional<Path> directory = handleChainDirectory;
        if (directory.isEmpty()) {
            if (none) {
                handleChains.remove(h.handle());
            } else {
                handleChains.put(h.handle(), chain.clone());
            }
            return;
        }
        try {
            if (none) {
                Files.deleteIfExists(handleChainFile(h));
            } else {
                KeyStoreAlias.writeChain(handleChainFile(h), chain);
            }
        } catch (IOException | CertificateEncodingException e) {
            throw new KeyStoreException(h + ": the chain cannot be written: " + e.getMessage(), e);
        }
    }

    private Path handleChainFile(Handle h) {
        return handleChainDirectory.orElseThrow().resolve(String.format("handle-0x%08x.crt.pem", h.handle()));
    }

    /**
     * A {@link TpmKeyEntry} is set as {@link #engineSetKeyEntry} sets its key and chain (the password from a
     * {@code PasswordProtection}, if any); other entries as the JDK does.
     */
    @Override
    public void engineSetEntry(String alias, KeyStore.Entry entry, KeyStore.ProtectionParameter protection)
            throws KeyStoreException {
        if (entry instanceof TpmKeyEntry e) {
            char[] password = protection instanceof KeyStore.PasswordProtection p ? p.getPassword() : null;
            engineSetKeyEntry(alias, e.key(), password, e.chain().toArray(Certificate[]::new));
            return;
        }
        super.engineSetEntry(alias, entry, protection);
    }

    @Override
    public void engineSetKeyEntry(String alias, byte[] key, Certificate[] chain) throws KeyStoreException {
        throw new KeyStoreException("the TPM key store takes TpmKey objects, not encoded keys");
    }

    @Override
    public void engineSetCertificateEntry(String alias, Certificate cert) throws KeyStoreException {
        throw new KeyStoreException("the TPM key store holds keys (with their chains), not trusted certificates");
    }

    /** {@code handle:} evicts the persistent key (owner authorisation empty); {@code file:} deletes the key and chain files. */
    @Override
    public void engineDeleteEntry(String alias) throws KeyStoreException {
        KeyStoreAlias target = KeyStoreAlias.parse(alias).orElseThrow(() -> new KeyStoreException("'" + alias
                + "' is not an alias of the TPM key store: use " + KeyStoreAlias.FORMS));
        switch (target) {
            case Handle h -> {
                try {
                    provider.connection().tpm().execute(new EvictControl(TpmRh.OWNER, Authorization.emptyPassword(),
                            h.handle(), h.handle()));
                } catch (TpmResponseException e) {
                    if (!nothingAt(e)) {
                        throw new KeyStoreException(h + ": TPM2_EvictControl failed: " + e.getMessage(), e);
                    }
                }
                setHandleChain(h, null);
            }
            case KeyFile f -> {
                try {
                    Files.deleteIfExists(f.path());
                    Files.deleteIfExists(f.chainFile());
                    usedFiles.remove(f);
                } catch (IOException e) {
                    throw new KeyStoreException(f + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /** Whether a response says there is no object at the handle. */
    private static boolean nothingAt(TpmResponseException e) {
        return e.responseCode().is(TpmRc.HANDLE);
    }

    private static UnrecoverableKeyException unrecoverable(String message, Exception cause) {
        return KeyFileKeys.unrecoverable(message, cause);
    }
}
