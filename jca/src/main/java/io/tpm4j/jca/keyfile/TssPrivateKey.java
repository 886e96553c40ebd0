package io.tpm4j.jca.keyfile;

import io.tpm4j.api.types.PublicArea;
import io.tpm4j.jca.der.DerException;
import io.tpm4j.jca.der.Pem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A TSS2 PRIVATE KEY file: the ASN.1 {@code TPMKey} of tpm2-tss-engine, tpm2-openssl, tpm2-pytss {@code TSSPrivKey}
 * and openssl_tpm2_engine (draft-bottomley-tpm2-keys), with every field of that draft.
 *
 * <pre>
 * TPMKey ::= SEQUENCE {
 *   type        OBJECT IDENTIFIER,                        -- {@link Type}
 *   emptyAuth   [0] EXPLICIT BOOLEAN OPTIONAL,
 *   policy      [1] EXPLICIT SEQUENCE OF TPMPolicy OPTIONAL,
 *   secret      [2] EXPLICIT OCTET STRING OPTIONAL,       -- TPM2B_ENCRYPTED_SECRET, importable keys only
 *   authPolicy  [3] EXPLICIT SEQUENCE OF TPMAuthPolicy OPTIONAL,
 *   description [4] EXPLICIT UTF8String OPTIONAL,
 *   rsaParent   [5] EXPLICIT BOOLEAN OPTIONAL,
 *   parent      INTEGER,                                  -- a permanent (0x40...) or persistent (0x81...) handle
 *   pubkey      OCTET STRING,                             -- TPM2B_PUBLIC
 *   privkey     OCTET STRING }                            -- TPM2B_PRIVATE (the duplicate, for importable keys)
 * </pre>
 *
 * The sized TPM structures are held without their size prefix: {@code privateArea} is what TPM2_Create returns as
 * outPrivate and TPM2_Load takes as inPrivate. A missing emptyAuth is read as FALSE; emptyAuth is always written, TRUE
 * or FALSE, because tpm2-openssl takes a missing one for TRUE (and would use the key without its password); a parent of 0, which tpm2-openssl reads as the owner hierarchy, is read as {@code 0x40000001}.
 * {@link TssKeyLoader} loads a key into a TPM.
 *
 * @param secret      the importable key's inSymSeed (without its size); empty for the other types
 * @param description a label for people (openssl_tpm2_engine's {@code description})
 * @param rsaParent   whether a permanent parent is the RSA-2048 primary rather than the ECC P-256 one
 */
public record TssPrivateKey(Type type, boolean emptyAuth, List<TpmPolicy> policy, byte[] secret,
                            List<TpmAuthPolicy> authPolicy, Optional<String> description, boolean rsaParent,
                            int parent, PublicArea publicArea, byte[] privateArea) {

    /** The PEM label. */
    public static final String PEM_LABEL = "TSS2 PRIVATE KEY";

    /** Bounds well above what any TPM produces, so a hostile file cannot make the reader allocate without end. */
    public static final int MAX_FILE_BYTES = 64 * 1024;
    static final int MAX_PUBLIC = 2 + 1024;
    static final int MAX_PRIVATE = 2 + 2048;
    static final int MAX_SECRET = 2 + 1024;
    static final int MAX_POLICY_STEPS = 64;
    static final int MAX_COMMAND_POLICY = 4096;
    static final int MAX_AUTH_POLICIES = 16;
    static final int MAX_TEXT_BYTES = 1024;

    /** The key type, by its OID under the TCG's {@code 2.23.133.10.1}. */
    public enum Type {
        /** Loaded with TPM2_Load. */
        LOADABLE("2.23.133.10.1.3"),
        /** Imported with TPM2_Import (outer wrapper to the parent, no inner wrapper), then loaded. */
        IMPORTABLE("2.23.133.10.1.4"),
        /** A sealed data object, loaded and read with TPM2_Unseal. */
        SEALED("2.23.133.10.1.5");

        private final String oid;

        Type(String oid) {
            this.oid = oid;
        }

        public String oid() {
            return oid;
        }

        static Optional<Type> ofOid(String oid) {
            return Arrays.stream(values()).filter(t -> t.oid.equals(oid)).findFirst();
        }
    }

    /**
     * One policy command: {@code TPMPolicy ::= SEQUENCE { commandCode [0] EXPLICIT INTEGER, commandPolicy [1] EXPLICIT
     * OCTET STRING }}, the command's parameters as the TPM takes them (draft-bottomley-tpm2-keys, section 4).
     */
    public record TpmPolicy(int commandCode, byte[] commandPolicy) {
        public TpmPolicy {
            commandPolicy = commandPolicy.clone();
            if (commandPolicy.length > MAX_COMMAND_POLICY) {
                throw new IllegalArgumentException("commandPolicy of " + commandPolicy.length + " bytes, more than "
                        + MAX_COMMAND_POLICY);
            }
        }

        @Override
        public byte[] commandPolicy() {
            return commandPolicy.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TpmPolicy p && p.commandCode == commandCode && Arrays.equals(p.commandPolicy, commandPolicy);
        }

        @Override
        public int hashCode() {
            return 31 * commandCode + Arrays.hashCode(commandPolicy);
        }

        @Override
        public String toString() {
            return String.format("TpmPolicy[0x%08x, %d bytes]", commandCode, commandPolicy.length);
        }
    }

    /** A signed policy: {@code TPMAuthPolicy ::= SEQUENCE { name [0] EXPLICIT UTF8String OPTIONAL, policy [1] EXPLICIT SEQUENCE OF TPMPolicy }}. */
    public record TpmAuthPolicy(Optional<String> name, List<TpmPolicy> policy) {
        public TpmAuthPolicy {
            Objects.requireNonNull(name, "name");
            policy = List.copyOf(policy);
            if (policy.size() > MAX_POLICY_STEPS) {
                throw new IllegalArgumentException(policy.size() + " policy steps, more than " + MAX_POLICY_STEPS);
            }
        }
    }

    public TssPrivateKey {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(publicArea, "publicArea");
        policy = List.copyOf(policy);
        authPolicy = List.copyOf(authPolicy);
        secret = secret.clone();
        privateArea = privateArea.clone();
        if ((type == Type.IMPORTABLE) != (secret.length > 0)) {
            throw new IllegalArgumentException(type == Type.IMPORTABLE ? "an importable key needs its secret (inSymSeed)"
                    : "only an importable key has a secret");
        }
        int mso = parent >>> 24;
        if (mso != 0x40 && mso != 0x80 && mso != 0x81) {
            throw new IllegalArgumentException(String.format("parent 0x%08x is neither a permanent (0x40...), "
                    + "transient (0x80...) nor persistent (0x81...) handle", parent));
        }
        if (policy.size() > MAX_POLICY_STEPS || authPolicy.size() > MAX_AUTH_POLICIES) {
            throw new IllegalArgumentException("more policy steps or signed policies than a key file may hold");
        }
        if (privateArea.length + 2 > MAX_PRIVATE || secret.length + 2 > MAX_SECRET) {
            throw new IllegalArgumentException("privateArea or secret larger than any TPM makes");
        }
        if (description.isPresent() && description.get().getBytes(StandardCharsets.UTF_8).length > MAX_TEXT_BYTES) {
            throw new IllegalArgumentException("description longer than " + MAX_TEXT_BYTES + " bytes");
        }
    }

    /** A loadable key as TPM2_Create made it under {@code parent}, with no policy. */
    public static TssPrivateKey loadable(int parent, PublicArea publicArea, byte[] privateArea, boolean emptyAuth) {
        return new TssPrivateKey(Type.LOADABLE, emptyAuth, List.of(), new byte[0], List.of(), Optional.empty(), false,
                parent, publicArea, privateArea);
    }

    /** A sealed data object as TPM2_Create made it under {@code parent}, with no policy. */
    public static TssPrivateKey sealed(int parent, PublicArea publicArea, byte[] privateArea, boolean emptyAuth) {
        return new TssPrivateKey(Type.SEALED, emptyAuth, List.of(), new byte[0], List.of(), Optional.empty(), false,
                parent, publicArea, privateArea);
    }

    /** An importable key: a duplicate with no inner wrapper, and its seed encrypted to {@code parent}. */
    public static TssPrivateKey importable(int parent, PublicArea publicArea, byte[] duplicate, byte[] inSymSeed,
                                           boolean emptyAuth) {
        return new TssPrivateKey(Type.IMPORTABLE, emptyAuth, List.of(), inSymSeed, List.of(), Optional.empty(), false,
                parent, publicArea, duplicate);
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    @Override
    public byte[] privateArea() {
        return privateArea.clone();
    }

    /** Whether the parent is a permanent handle: a primary key created from the format's template in that hierarchy. */
    public boolean hasPermanentParent() {
        return parent >>> 24 == 0x40;
    }

    /** The same key with another description. */
    public TssPrivateKey withDescription(String text) {
        return new TssPrivateKey(type, emptyAuth, policy, secret, authPolicy, Optional.of(text), rsaParent, parent,
                publicArea, privateArea);
    }

    /** The same key with these policy steps (the commands whose digest is the public area's authPolicy). */
    public TssPrivateKey withPolicy(List<TpmPolicy> steps) {
        return new TssPrivateKey(type, emptyAuth, steps, secret, authPolicy, description, rsaParent, parent,
                publicArea, privateArea);
    }

    /** The DER encoding. */
    public byte[] toDer() {
        return TssKeyCodec.encode(this);
    }

    /** The PEM encoding, {@code -----BEGIN TSS2 PRIVATE KEY-----}. */
    public String toPem() {
        return Pem.encode(PEM_LABEL, toDer());
    }

    /** Writes the PEM encoding to a new file, readable only by its owner where the file system has POSIX permissions. */
    public void write(Path file) throws IOException {
        byte[] pem = toPem().getBytes(StandardCharsets.US_ASCII);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(file, pem, StandardOpenOption.TRUNCATE_EXISTING);
        } else {
            Files.write(file, pem, StandardOpenOption.CREATE_NEW);
        }
    }

    /** Parses DER. */
    public static TssPrivateKey fromDer(byte[] der) throws KeyFileException {
        return TssKeyCodec.decode(der);
    }

    /** Parses the one TSS2 PRIVATE KEY PEM block of {@code text}. */
    public static TssPrivateKey fromPem(String text) throws KeyFileException {
        try {
            return fromDer(Pem.decode(text, PEM_LABEL, MAX_FILE_BYTES));
        } catch (DerException e) {
            throw new KeyFileException(e.getMessage(), e.offset(), e);
        }
    }

    /** Reads a key file, PEM (as tpm2-openssl writes by default) or DER (its {@code -outform DER}). */
    public static TssPrivateKey read(Path file) throws IOException, KeyFileException {
        long size = Files.size(file);
        if (size > 2L * MAX_FILE_BYTES + 200) {
            throw new KeyFileException(file + ": " + size + " bytes, too large for a key file", -1);
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length > 0 && bytes[0] == 0x30) {
            return fromDer(bytes);
        }
        return fromPem(new String(bytes, StandardCharsets.US_ASCII));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TssPrivateKey k && type == k.type && emptyAuth == k.emptyAuth && policy.equals(k.policy)
                && Arrays.equals(secret, k.secret) && authPolicy.equals(k.authPolicy) && description.equals(k.description)
                && rsaParent == k.rsaParent && parent == k.parent && publicArea.equals(k.publicArea)
                && Arrays.equals(privateArea, k.privateArea);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, emptyAuth, policy, Arrays.hashCode(secret), authPolicy, description, rsaParent, parent,
                publicArea, Arrays.hashCode(privateArea));
    }

    /** Never shows the private blob or the secret (encrypted as they are, they are still nobody's business). */
    @Override
    public String toString() {
        return String.format("TssPrivateKey[%s, parent 0x%08x, emptyAuth %s, %d policy steps, %s]", type, parent,
                emptyAuth, policy.size(), publicArea);
    }
}
