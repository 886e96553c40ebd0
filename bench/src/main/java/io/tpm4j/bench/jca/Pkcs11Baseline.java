package io.tpm4j.bench.jca;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AuthProvider;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * What a Java program does today to sign with a TPM key through the JCA: SunPKCS11 over tpm2-pkcs11 (Debian
 * {@code libtpm2-pkcs11-1}, store set up with {@code tpm2_ptool} from {@code libtpm2-pkcs11-tools}), here against
 * a {@link SharedTpm}, so that tpm4j's server counts the TPM commands. The steps are those of docs/performance.md
 * ("JCA provider baseline"):
 * <ol>
 *   <li>{@code tpm2_ptool init}, {@code addtoken}, {@code addkey --algorithm=ecc256} in a private store;</li>
 *   <li>a certificate for the key's public half ({@code tpm2_ptool export} of the public object, then
 *       {@code openssl x509 -new -force_pubkey}, signed by a throw-away CA key) added with
 *       {@code tpm2_ptool addcert}: SunPKCS11's {@code KeyStore} lists a private key only with its certificate;</li>
 *   <li>{@code TPM2_PKCS11_STORE} and {@code TPM2_PKCS11_TCTI} set in this process's C environment (tpm2-pkcs11
 *       reads them with getenv when SunPKCS11 loads it);</li>
 *   <li>{@code Security.getProvider("SunPKCS11").configure(...)}, {@code KeyStore.getInstance("PKCS11")} loaded
 *       with the user PIN (the login), the private key and its certificate from the key store.</li>
 * </ol>
 * A PKCS#11 module is initialised once per JVM and keeps the store and TCTI it found then, so there is one
 * baseline per JVM ({@link #open} refuses a second): JMH runs each trial in a fresh fork.
 */
public final class Pkcs11Baseline implements AutoCloseable {

    /** Where Debian's libtpm2-pkcs11-1 installs the module. */
    public static final Path MODULE = Path.of("/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so");
    static final String TOKEN = "bench";
    static final String KEY = "signer";
    static final String USER_PIN = "userpin";
    private static final String SO_PIN = "sopin";
    private static final long TOOL_TIMEOUT_SECONDS = 120;
    private static final AtomicBoolean OPENED = new AtomicBoolean();

    private final Provider provider;
    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private Pkcs11Baseline(Provider provider, PrivateKey privateKey, PublicKey publicKey) {
        this.provider = provider;
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /**
     * Creates the store with one ECC P-256 key in a directory of {@code tpm}'s ({@link #createStore}), then
     * configures SunPKCS11 on it and logs in with the user PIN ({@link #open}).
     *
     * @throws IllegalStateException when tpm2-pkcs11 or its tools are missing (naming the Debian packages), a tool
     *                               fails (with its output), or a baseline was already opened in this JVM
     */
    public static Pkcs11Baseline start(SharedTpm tpm) {
        return open(tpm, createStore(tpm));
    }

    /**
     * The tpm2_ptool and openssl steps, each a process of its own as a user would type them: a store in
     * {@code tpm}'s directory with token {@value #TOKEN} and its ECC P-256 key {@value #KEY} with a certificate.
     *
     * @return the store's directory
     */
    public static Path createStore(SharedTpm tpm) {
        requireModule();
        Path store = tpm.directory().resolve("tpm2-pkcs11");
        try {
            Files.createDirectories(store);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + store, e);
        }
        String tcti = tpm.mssimTcti();
        Map<String, String> env = Map.of("TPM2_PKCS11_STORE", store.toString(), "TPM2TOOLS_TCTI", tcti,
                "TPM2_PKCS11_TCTI", tcti);
        String path = "--path=" + store;
        run(store, env, "tpm2_ptool", "init", path);
        run(store, env, "tpm2_ptool", "addtoken", "--pid=1", "--label=" + TOKEN, "--sopin=" + SO_PIN,
                "--userpin=" + USER_PIN, path);
        run(store, env, "tpm2_ptool", "addkey", "--algorithm=ecc256", "--label=" + TOKEN, "--key-label=" + KEY,
                "--userpin=" + USER_PIN, path);
        String objects = run(store, env, "tpm2_ptool", "listobjects", "--label=" + TOKEN, path);
        run(store, env, "tpm2_ptool", "export", "--id=" + publicKeyId(objects), "--output-prefix=" + store.resolve("public"),
                path);
        run(store, env, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key");
        run(store, env, "openssl", "x509", "-new", "-force_pubkey", "public.pem", "-key", "ca.key",
                "-subj", "/CN=tpm2-pkcs11 baseline", "-days", "2", "-out", "certificate.pem");
        run(store, env, "tpm2_ptool", "addcert", "--label=" + TOKEN, "--key-label=" + KEY, path, "certificate.pem");
        return store;
    }

    /**
     * Points tpm2-pkcs11 at {@code store} and {@code tpm} (its environment variables), configures SunPKCS11 with
     * it, loads the {@code PKCS11} key store with the user PIN (the login) and takes the key and its certificate.
     */
    public static Pkcs11Baseline open(SharedTpm tpm, Path store) {
        requireModule();
        if (!OPENED.compareAndSet(false, true)) {
            throw new IllegalStateException("SunPKCS11 initialises tpm2-pkcs11 once per JVM, with the store and TCTI "
                    + "of the first baseline: open one baseline per JVM");
        }
        setNativeEnvironment("TPM2_PKCS11_STORE", store.toString());
        setNativeEnvironment("TPM2_PKCS11_TCTI", tpm.mssimTcti());
        String config = String.join("\n", "--name=tpm2-pkcs11", "library=" + MODULE, "slotListIndex=0", "");
        Provider provider = Security.getProvider("SunPKCS11").configure(config);
        try {
            KeyStore keys = KeyStore.getInstance("PKCS11", provider);
            keys.load(null, USER_PIN.toCharArray());
            List<String> aliases = Collections.list(keys.aliases());
            if (aliases.size() != 1) {
                throw new IllegalStateException("expected one key in the tpm2-pkcs11 token, SunPKCS11 lists " + aliases);
            }
            PrivateKey privateKey = (PrivateKey) keys.getKey(aliases.getFirst(), null);
            Certificate certificate = keys.getCertificate(aliases.getFirst());
            return new Pkcs11Baseline(provider, privateKey, certificate.getPublicKey());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("SunPKCS11 over tpm2-pkcs11: " + e, e);
        }
    }

    private static void requireModule() {
        if (!Files.isRegularFile(MODULE)) {
            throw new IllegalStateException(MODULE + " is missing: apt-get install libtpm2-pkcs11-1 libtpm2-pkcs11-tools");
        }
    }

    /** The configured SunPKCS11 provider, logged in. */
    public Provider provider() {
        return provider;
    }

    /** The TPM-held ECC P-256 key, as SunPKCS11 gives it. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** Its public half (from the certificate), for verifying with the JDK's own provider. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** Logs out; the {@link SharedTpm} and its directory (with the store) belong to the caller. */
    @Override
    public void close() {
        try {
            ((AuthProvider) provider).logout();
        } catch (javax.security.auth.login.LoginException e) {
            throw new IllegalStateException("SunPKCS11 logout: " + e.getMessage(), e);
        }
    }

    /**
     * The database id of the key's public object in {@code tpm2_ptool listobjects}' YAML: a list of entries, each
     * starting "- CKA_CLASS: ..." and holding an "id: N" line.
     */
    static String publicKeyId(String listing) {
        String objectClass = "";
        for (String line : listing.lines().toList()) {
            String field = line.strip().replaceFirst("^- ", "");
            if (field.startsWith("CKA_CLASS:")) {
                objectClass = field.substring("CKA_CLASS:".length()).strip();
            } else if (field.startsWith("id:") && objectClass.equals("CKO_PUBLIC_KEY")) {
                return field.substring("id:".length()).strip();
            }
        }
        throw new IllegalStateException("no public key object in tpm2_ptool listobjects' output:\n" + listing);
    }

    /** Runs a tool in {@code directory} and returns its standard output; a failure says what the tool said. */
    private static String run(Path directory, Map<String, String> env, String... command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + TOOL_TIMEOUT_SECONDS + " s");
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit status "
                        + process.exitValue() + ":\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0] + " (" + e.getMessage() + "): apt-get install "
                    + "libtpm2-pkcs11-tools tpm2-tools openssl", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command[0], e);
        }
    }

    /**
     * setenv(3) in this process: tpm2-pkcs11 reads its store and TCTI with getenv, and Java cannot change its own
     * environment. Called before SunPKCS11 loads the module, by one thread.
     */
    private static void setNativeEnvironment(String name, String value) {
        Linker linker = Linker.nativeLinker();
        MethodHandle setenv = linker.downcallHandle(linker.defaultLookup().find("setenv").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            int result = (int) setenv.invokeExact(arena.allocateFrom(name), arena.allocateFrom(value), 1);
            if (result != 0) {
                throw new IllegalStateException("setenv(" + name + ") failed");
            }
        } catch (Throwable e) {
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("setenv(" + name + "): " + e, e);
        }
    }
}
