package io.tpm4j.jca;

import io.tpm4j.api.types.PublicArea;

import javax.security.auth.Destroyable;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A key that lives in a TPM, bound to the {@link Tpm4jProvider} that uses it. It is its public area plus either a
 * private blob loadable under a {@link TpmParent} (loaded on first use, once per provider, and reused) or the
 * handle of a persistent key; with an optional password and policy. The private part never leaves the TPM:
 * {@link #getEncoded()} and {@link #getFormat()} are null. {@link #destroy()} wipes the password copy; the key
 * cannot be used after it. Not serializable.
 */
public abstract sealed class TpmKey implements Key, Destroyable permits TpmEcKey, TpmRsaKey, TpmHmacKey {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Where the key comes from: a loadable blob, or a handle the TPM already has. */
    sealed interface Source {
    }

    /** TPM2_Create's output (or a key file's), loaded under {@code parent}. */
    record Loadable(byte[] privateBlob, TpmParent parent) implements Source {
        Loadable {
            privateBlob = privateBlob.clone();
            Objects.requireNonNull(parent, "parent");
        }

        @Override
        public byte[] privateBlob() {
            return privateBlob.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Loadable l && Arrays.equals(privateBlob, l.privateBlob) && parent.equals(l.parent);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(privateBlob) * 31 + parent.hashCode();
        }
    }

    /** A persistent key (or one the provider's connection loaded itself) at {@code handle}. */
    record AtHandle(int handle) implements Source {
    }

    private final transient Tpm4jProvider provider;
    private final transient PublicArea publicArea;
    private final transient Source source;
    private final transient TpmPolicy policy;
    private transient char[] password;
    private transient volatile boolean destroyed;

    TpmKey(Tpm4jProvider provider, PublicArea publicArea, Source source, char[] password, TpmPolicy policy) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.publicArea = Objects.requireNonNull(publicArea, "publicArea");
        this.source = Objects.requireNonNull(source, "source");
        this.password = password == null ? new char[0] : password.clone();
        this.policy = policy;
    }

    /** The provider (and so the TPM connection) this key is used through. */
    public Tpm4jProvider provider() {
        return provider;
    }

    /** The key's TPMT_PUBLIC. */
    public PublicArea publicArea() {
        return publicArea;
    }

    /** The private blob (TPM2B_PRIVATE contents) when the key is loadable, for writing it to a key file. */
    public Optional<byte[]> privateBlob() {
        return source instanceof Loadable l ? Optional.of(l.privateBlob()) : Optional.empty();
    }

    /** The parent a loadable key is loaded under. */
    public Optional<TpmParent> parent() {
        return source instanceof Loadable l ? Optional.of(l.parent()) : Optional.empty();
    }

    /** The handle of a key that the TPM holds already (persistent), rather than a loadable one. */
    public OptionalInt handle() {
        return source instanceof AtHandle h ? OptionalInt.of(h.handle()) : OptionalInt.empty();
    }

    /** Whether the key has a password (an empty one counts as none). */
    public boolean hasPassword() {
        return password.length > 0;
    }

    /** The policy callback the key is used with, if any. */
    public Optional<TpmPolicy> policy() {
        return Optional.ofNullable(policy);
    }

    Source source() {
        return source;
    }

    /** The password as the TPM's authValue: its UTF-8 bytes, as tpm2-tools and tpm2-openssl use them. */
    byte[] authValue() {
        checkNotDestroyed();
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] out = new byte[bytes.remaining()];
        bytes.get(out);
        if (bytes.hasArray()) {
            Arrays.fill(bytes.array(), (byte) 0);
        }
        return out;
    }

    void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException("this TPM key was destroyed");
        }
    }

    /** Null: the private key never leaves the TPM. */
    @Override
    public final String getFormat() {
        return null;
    }

    /** Null: the private key never leaves the TPM. */
    @Override
    public final byte[] getEncoded() {
        return null;
    }

    /** Wipes the password copy; the key cannot be used afterwards (what the TPM holds is not touched). */
    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(password, '\0');
        password = new char[0];
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Serial
    private void writeObject(ObjectOutputStream out) throws IOException {
        throw new NotSerializableException("a TPM key is bound to its TPM; store its key file instead");
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + publicArea.type() + ", " + (source instanceof AtHandle h
                ? String.format("handle 0x%08x", h.handle()) : "under " + ((Loadable) source).parent())
                + (hasPassword() ? ", password" : "") + (policy != null ? ", policy" : "") + "]";
    }
}
