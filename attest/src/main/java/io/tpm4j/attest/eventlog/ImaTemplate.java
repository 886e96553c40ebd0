package io.tpm4j.attest.eventlog;

/**
 * An IMA measurement's template data, decoded by template name (Linux, Documentation/security/IMA-templates.rst).
 * The file digests of {@code ima-ng}, {@code ima-sig} and {@code ima-buf} carry their hash algorithm's name.
 */
public sealed interface ImaTemplate {

    /** {@code ima}: the original template, a 20-byte SHA-1 (or padded MD5) file digest and a name of at most 255 bytes. */
    record Ima(byte[] fileDigest, String fileName) implements ImaTemplate {
        public Ima {
            fileDigest = fileDigest.clone();
        }

        @Override
        public byte[] fileDigest() {
            return fileDigest.clone();
        }
    }

    /** {@code ima-ng}: {@code d-ng|n-ng}. */
    record ImaNg(String hashAlgorithm, byte[] fileDigest, String fileName) implements ImaTemplate {
        public ImaNg {
            fileDigest = fileDigest.clone();
        }

        @Override
        public byte[] fileDigest() {
            return fileDigest.clone();
        }
    }

    /** {@code ima-sig}: {@code d-ng|n-ng|sig}; the signature (security.ima) may be empty. */
    record ImaSig(String hashAlgorithm, byte[] fileDigest, String fileName, byte[] signature) implements ImaTemplate {
        public ImaSig {
            fileDigest = fileDigest.clone();
            signature = signature.clone();
        }

        @Override
        public byte[] fileDigest() {
            return fileDigest.clone();
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }
    }

    /** {@code ima-buf}: {@code d-ng|n-ng|buf}, a measured buffer (kexec command line, keys, critical data). */
    record ImaBuf(String hashAlgorithm, byte[] digest, String name, byte[] buffer) implements ImaTemplate {
        public ImaBuf {
            digest = digest.clone();
            buffer = buffer.clone();
        }

        @Override
        public byte[] digest() {
            return digest.clone();
        }

        @Override
        public byte[] buffer() {
            return buffer.clone();
        }
    }

    /** A template not decoded here, from the binary list: its template data, which still replays. */
    record Other(byte[] templateData) implements ImaTemplate {
        public Other {
            templateData = templateData.clone();
        }

        @Override
        public byte[] templateData() {
            return templateData.clone();
        }
    }

    /**
     * A template not decoded here, from the ASCII list: its fields as printed. The bytes the kernel hashed cannot
     * be rebuilt from them, so only the SHA-1 bank (the listed template digest) replays.
     */
    record AsciiOnly(String fields) implements ImaTemplate {
    }
}
