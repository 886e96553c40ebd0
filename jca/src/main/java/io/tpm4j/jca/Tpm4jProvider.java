package io.tpm4j.jca;

import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.commands.ReadPublic;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.TpmAlg;

import java.security.Provider;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The {@code tpm4j} JCA provider: TPM-backed keys through the JDK's own APIs. Configured as SunPKCS11 is:
 * {@link #configure(String)} returns a new provider bound to the TPM the string names ({@code device:/dev/tpmrm0},
 * {@code device:/dev/tpm0}, {@code unix:PATH}, {@code mssim:host=H,port=P}, {@code mssim:path=P}, {@code swtpm}).
 * The provider {@link java.util.ServiceLoader} finds (no-argument constructor) uses the system property
 * {@code tpm4j.tpm}, else the machine's default device; it touches no device until a service is used.
 *
 * <p>Every service registers {@code SupportedKeyClasses}, so that the JDK's delayed provider selection picks tpm4j by
 * itself for a TPM key and never for a software key. Thread-safe: one provider serves any number of threads over
 * one connection. {@link #close()} flushes what it loaded and closes the connection (and stops a private swtpm).
 */
public final class Tpm4jProvider extends Provider implements AutoCloseable {

    public static final String NAME = "tpm4j";
    private static final String VERSION = "0.1";

    /** Where the TPM is; null until first use for the unconfigured provider. */
    private volatile TpmTarget target;
    /** A transport given by the caller instead of a configuration string. */
    private final TpmTransport givenTransport;
    private final Object connecting = new Object();
    private volatile TpmConnection connection;
    private volatile boolean closed;
    private Thread shutdownHook;
    /** The importable key files' private blobs, imported once for this provider. */
    private final ImportedKeys importedKeys = new ImportedKeys(this);

    /** The provider of the system property {@code tpm4j.tpm}, else of the default device; nothing is opened yet. */
    public Tpm4jProvider() {
        this(null, null);
    }

    private Tpm4jProvider(TpmTarget target, TpmTransport transport) {
        super(NAME, VERSION, "tpm4j: TPM 2.0 keys through the JCA (" + (transport != null ? transport
                : target != null ? target : "tpm4j.tpm or the default device") + ")");
        this.target = target;
        this.givenTransport = transport;
        ProviderServices.register(this);
    }

    /**
     * A new provider bound to the TPM {@code configuration} names (see the class description).
     *
     * @throws IllegalArgumentException for a configuration string that names no TPM, saying what is accepted
     */
    @Override
    public Tpm4jProvider configure(String configuration) {
        return new Tpm4jProvider(TpmTarget.parse(configuration), null);
    }

    /**
     * A provider over a transport the caller opened (a device, a resource-manager space, a socket); closing the
     * provider closes it.
     */
    public static Tpm4jProvider over(TpmTransport transport) {
        return new Tpm4jProvider(null, Objects.requireNonNull(transport, "transport"));
    }

    @Override
    public boolean isConfigured() {
        return true;
    }

    /** The configuration this provider uses, as a string {@link #configure} accepts ("transport" for {@link #over}). */
    public String configuration() {
        return givenTransport != null ? "transport " + givenTransport : target != null ? target.toString()
                : "default (tpm4j.tpm or the default device, chosen at first use)";
    }

    /**
     * A key the TPM holds already at a persistent handle, read once now (TPM2_ReadPublic) to learn its public area.
     * The password is copied; pass null for none.
     */
    public TpmKey persistentKey(int handle, char[] password, TpmPolicy policy) {
        if (handle >>> 24 != 0x81) {
            throw new IllegalArgumentException(String.format("0x%08x is not a persistent handle (0x81xxxxxx)", handle));
        }
        ReadPublic.Response r = connection().tpm().readPublic(handle);
        return key(r.outPublic(), new TpmKey.AtHandle(handle), password, policy);
    }

    /**
     * A loadable key (a public area and private blob from TPM2_Create or a key file) under {@code parent}; it is loaded
     * at its first use, once for this provider. The password is copied; pass null for none.
     */
    public TpmKey loadableKey(PublicArea publicArea, byte[] privateBlob, TpmParent parent, char[] password,
                              TpmPolicy policy) {
        return key(publicArea, new TpmKey.Loadable(privateBlob, parent), password, policy);
    }

    /** The key type that fits {@code publicArea}: EC, RSA or HMAC. */
    TpmKey key(PublicArea publicArea, TpmKey.Source source, char[] password, TpmPolicy policy) {
        TpmAlg type = publicArea.type();
        return switch (type) {
            case ECC -> new TpmEcKey(this, publicArea, source, password, policy);
            case RSA -> new TpmRsaKey(this, publicArea, source, password, policy);
            case KEYEDHASH -> new TpmHmacKey(this, publicArea, source, password, policy);
            default -> throw new IllegalArgumentException(type + " objects are not keys this provider uses");
        };
    }

    /** The connection, opened at first use. */
    TpmConnection connection() {
        TpmConnection c = connection;
        if (c != null) {
            return c;
        }
        synchronized (connecting) {
            if (closed) {
                throw new IllegalStateException("the tpm4j provider (" + configuration() + ") is closed");
            }
            if (connection == null) {
                if (givenTransport != null) {
                    connection = new TpmConnection(new TpmTarget.Backend(givenTransport, givenTransport.toString(),
                            List.of()));
                } else {
                    if (target == null) {
                        target = TpmTarget.byDefault();
                    }
                    connection = new TpmConnection(target.open());
                    if (target instanceof TpmTarget.PrivateSwtpm) {
                        shutdownHook = new Thread(this::close, "tpm4j provider: stop swtpm");
                        Runtime.getRuntime().addShutdownHook(shutdownHook);
                    }
                }
            }
            return connection;
        }
    }

    ImportedKeys importedKeys() {
        return importedKeys;
    }

    /** Whether the provider has opened its TPM connection (a service has been used). */
    public boolean isConnected() {
        return connection != null;
    }

    /**
     * Flushes the keys and parents this provider loaded, its sessions, and closes its connection; a private swtpm
     * is stopped. Idempotent; a later use fails with {@link IllegalStateException}. Keys made through this provider
     * cannot be used afterwards.
     */
    @Override
    public void close() {
        TpmConnection c;
        synchronized (connecting) {
            if (closed) {
                return;
            }
            closed = true;
            c = connection;
            connection = null;
            if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException e) {
                    // The JVM is shutting down already.
                }
            }
        }
        if (c != null) {
            c.close();
        } else if (givenTransport != null) {
            givenTransport.close();
        }
    }

    /** One service, made without reflection: the factory gets this provider and the JCA's constructor parameter. */
    static final class TpmService extends Service {
        private final Function<Object, Object> factory;

        TpmService(Tpm4jProvider provider, String type, String algorithm, List<String> aliases,
                   Map<String, String> attributes, Function<Object, Object> factory) {
            super(provider, type, algorithm, factory.getClass().getName(), aliases, attributes);
            this.factory = factory;
        }

        @Override
        public Object newInstance(Object constructorParameter) {
            return factory.apply(constructorParameter);
        }
    }

    void add(TpmService service) {
        putService(service);
    }

    // Provider is a Properties table: equality by identity keeps configured providers apart.
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
