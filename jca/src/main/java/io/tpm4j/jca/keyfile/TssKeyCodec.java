package io.tpm4j.jca.keyfile;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.jca.der.DerException;
import io.tpm4j.jca.der.DerReader;
import io.tpm4j.jca.der.DerWriter;
import io.tpm4j.jca.keyfile.TssPrivateKey.TpmAuthPolicy;
import io.tpm4j.jca.keyfile.TssPrivateKey.TpmPolicy;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The DER of {@link TssPrivateKey}, both ways; everything read is checked before it is used. */
final class TssKeyCodec {

    private TssKeyCodec() {
    }

    static TssPrivateKey decode(byte[] der) throws KeyFileException {
        if (der.length > TssPrivateKey.MAX_FILE_BYTES) {
            throw new KeyFileException("TPMKey: " + der.length + " bytes, more than a key file may have ("
                    + TssPrivateKey.MAX_FILE_BYTES + ")", -1);
        }
        try {
            DerReader outer = new DerReader(der);
            DerReader key = outer.sequence("TPMKey");
            outer.expectEnd("the key file (after the TPMKey SEQUENCE)");
            int typeAt = key.position();
            String oid = key.oid("TPMKey.type");
            TssPrivateKey.Type type = TssPrivateKey.Type.ofOid(oid).orElseThrow(() -> new KeyFileException(
                    "TPMKey.type " + oid + " is none of loadable (2.23.133.10.1.3), importable (.4) or sealed (.5)",
                    typeAt));
            boolean emptyAuth = optionalBoolean(key, 0, "TPMKey.emptyAuth");
            List<TpmPolicy> policy = new ArrayList<>();
            Optional<DerReader> policyField = key.optionalExplicit(1, "TPMKey.policy");
            if (policyField.isPresent()) {
                policy = policies(policyField.get(), "TPMKey.policy");
            }
            byte[] secret = new byte[0];
            int secretAt = key.position();
            Optional<DerReader> secretField = key.optionalExplicit(2, "TPMKey.secret");
            if (secretField.isPresent()) {
                DerReader r = secretField.get();
                secretAt = r.position();
                byte[] sized = r.octetString(TssPrivateKey.MAX_SECRET, "TPMKey.secret");
                r.expectEnd("TPMKey.secret");
                secret = unsized(sized, "TPMKey.secret (TPM2B_ENCRYPTED_SECRET)", secretAt);
                if (secret.length == 0) {
                    throw new KeyFileException("TPMKey.secret: an empty TPM2B_ENCRYPTED_SECRET", secretAt);
                }
            }
            List<TpmAuthPolicy> authPolicy = new ArrayList<>();
            Optional<DerReader> authField = key.optionalExplicit(3, "TPMKey.authPolicy");
            if (authField.isPresent()) {
                authPolicy = authPolicies(authField.get());
            }
            Optional<String> description = Optional.empty();
            Optional<DerReader> descriptionField = key.optionalExplicit(4, "TPMKey.description");
            if (descriptionField.isPresent()) {
                description = Optional.of(descriptionField.get().utf8String(TssPrivateKey.MAX_TEXT_BYTES,
                        "TPMKey.description"));
                descriptionField.get().expectEnd("TPMKey.description");
            }
            boolean rsaParent = optionalBoolean(key, 5, "TPMKey.rsaParent");
            int parentAt = key.position();
            int parent = key.uint32("TPMKey.parent");
            if (parent == 0) {
                parent = TpmRh.OWNER;
            }
            int pubAt = key.position();
            byte[] pub = key.octetString(TssPrivateKey.MAX_PUBLIC, "TPMKey.pubkey");
            PublicArea publicArea = publicArea(pub, pubAt);
            int privAt = key.position();
            byte[] priv = unsized(key.octetString(TssPrivateKey.MAX_PRIVATE, "TPMKey.privkey"),
                    "TPMKey.privkey (TPM2B_PRIVATE)", privAt);
            if (priv.length == 0) {
                throw new KeyFileException("TPMKey.privkey: an empty TPM2B_PRIVATE", privAt);
            }
            key.expectEnd("TPMKey");
            if ((type == TssPrivateKey.Type.IMPORTABLE) != (secret.length > 0)) {
                throw new KeyFileException(type == TssPrivateKey.Type.IMPORTABLE
                        ? "TPMKey.secret: an importable key needs one" : "TPMKey.secret: only an importable key has one",
                        secretAt);
            }
            int mso = parent >>> 24;
            if (mso != 0x40 && mso != 0x80 && mso != 0x81) {
                throw new KeyFileException(String.format("TPMKey.parent 0x%08x is neither a permanent (0x40...), "
                        + "transient (0x80...) nor persistent (0x81...) handle", parent), parentAt);
            }
            return new TssPrivateKey(type, emptyAuth, policy, secret, authPolicy, description, rsaParent, parent,
                    publicArea, priv);
        } catch (IllegalArgumentException e) {
            throw new KeyFileException("TPMKey: " + e.getMessage(), -1, e);
        } catch (DerException e) {
            throw new KeyFileException(e.getMessage(), e.offset(), e);
        }
    }

    private static boolean optionalBoolean(DerReader key, int tag, String field) throws DerException {
        Optional<DerReader> r = key.optionalExplicit(tag, field);
        if (r.isEmpty()) {
            return false;
        }
        boolean value = r.get().bool(field);
        r.get().expectEnd(field);
        return value;
    }

    private static List<TpmPolicy> policies(DerReader explicit, String field) throws DerException {
        DerReader steps = explicit.sequence(field);
        explicit.expectEnd(field);
        List<TpmPolicy> out = new ArrayList<>();
        while (steps.hasMore()) {
            if (out.size() == TssPrivateKey.MAX_POLICY_STEPS) {
                throw new DerException(field + ": more than " + TssPrivateKey.MAX_POLICY_STEPS + " policy steps",
                        steps.position());
            }
            String name = field + "[" + out.size() + "]";
            DerReader step = steps.sequence(name);
            DerReader code = step.explicit(0, name + ".commandCode");
            int commandCode = code.uint32(name + ".commandCode");
            code.expectEnd(name + ".commandCode");
            DerReader body = step.explicit(1, name + ".commandPolicy");
            byte[] commandPolicy = body.octetString(TssPrivateKey.MAX_COMMAND_POLICY, name + ".commandPolicy");
            body.expectEnd(name + ".commandPolicy");
            step.expectEnd(name);
            out.add(new TpmPolicy(commandCode, commandPolicy));
        }
        return out;
    }

    private static List<TpmAuthPolicy> authPolicies(DerReader explicit) throws DerException {
        String field = "TPMKey.authPolicy";
        DerReader all = explicit.sequence(field);
        explicit.expectEnd(field);
        List<TpmAuthPolicy> out = new ArrayList<>();
        while (all.hasMore()) {
            if (out.size() == TssPrivateKey.MAX_AUTH_POLICIES) {
                throw new DerException(field + ": more than " + TssPrivateKey.MAX_AUTH_POLICIES + " signed policies",
                        all.position());
            }
            String name = field + "[" + out.size() + "]";
            DerReader one = all.sequence(name);
            Optional<String> policyName = Optional.empty();
            Optional<DerReader> nameField = one.optionalExplicit(0, name + ".name");
            if (nameField.isPresent()) {
                policyName = Optional.of(nameField.get().utf8String(TssPrivateKey.MAX_TEXT_BYTES, name + ".name"));
                nameField.get().expectEnd(name + ".name");
            }
            List<TpmPolicy> steps = policies(one.explicit(1, name + ".policy"), name + ".policy");
            one.expectEnd(name);
            out.add(new TpmAuthPolicy(policyName, steps));
        }
        return out;
    }

    /** The contents of a TPM2B whose size must account for exactly the rest of {@code sized}. */
    private static byte[] unsized(byte[] sized, String field, int at) throws KeyFileException {
        if (sized.length < 2) {
            throw new KeyFileException(field + ": " + sized.length + " bytes, too short for a size", at);
        }
        int size = ((sized[0] & 0xFF) << 8) | (sized[1] & 0xFF);
        if (size != sized.length - 2) {
            throw new KeyFileException(field + ": its size says " + size + " bytes, " + (sized.length - 2)
                    + " follow", at);
        }
        return java.util.Arrays.copyOfRange(sized, 2, sized.length);
    }

    private static PublicArea publicArea(byte[] sized, int at) throws KeyFileException {
        TpmReader in = new TpmReader(sized);
        try {
            PublicArea area = PublicArea.readSized(in);
            in.expectEnd("TPM2B_PUBLIC");
            return area;
        } catch (TpmProtocolException e) {
            throw new KeyFileException("TPMKey.pubkey is not a TPM2B_PUBLIC: " + e.getMessage(), at, e);
        } catch (IllegalArgumentException e) {
            throw new KeyFileException("TPMKey.pubkey is not a usable public area: " + e.getMessage(), at, e);
        }
    }

    static byte[] encode(TssPrivateKey key) {
        List<byte[]> fields = new ArrayList<>();
        fields.add(DerWriter.oid(key.type().oid()));
        // Always written: tpm2-openssl takes a missing emptyAuth for TRUE and would then use the key without its password.
        fields.add(DerWriter.explicit(0, DerWriter.bool(key.emptyAuth())));
        if (!key.policy().isEmpty()) {
            fields.add(DerWriter.explicit(1, policies(key.policy())));
        }
        if (key.type() == TssPrivateKey.Type.IMPORTABLE) {
            fields.add(DerWriter.explicit(2, DerWriter.octetString(sized(key.secret()))));
        }
        if (!key.authPolicy().isEmpty()) {
            List<byte[]> all = new ArrayList<>();
            for (TpmAuthPolicy p : key.authPolicy()) {
                ByteArrayOutputStream one = new ByteArrayOutputStream();
                p.name().ifPresent(n -> one.writeBytes(DerWriter.explicit(0, DerWriter.utf8String(n))));
                one.writeBytes(DerWriter.explicit(1, policies(p.policy())));
                all.add(DerWriter.sequence(one.toByteArray()));
            }
            fields.add(DerWriter.explicit(3, DerWriter.sequence(all.toArray(byte[][]::new))));
        }
        key.description().ifPresent(d -> fields.add(DerWriter.explicit(4, DerWriter.utf8String(d))));
        if (key.rsaParent()) {
            fields.add(DerWriter.explicit(5, DerWriter.bool(true)));
        }
        fields.add(DerWriter.uint32(key.parent()));
        TpmWriter pub = new TpmWriter(512);
        key.publicArea().writeSized(pub);
        fields.add(DerWriter.octetString(pub.toByteArray()));
        fields.add(DerWriter.octetString(sized(key.privateArea())));
        return DerWriter.sequence(fields.toArray(byte[][]::new));
    }

    private static byte[] policies(List<TpmPolicy> steps) {
        byte[][] encoded = new byte[steps.size()][];
        for (int i = 0; i < encoded.length; i++) {
            TpmPolicy p = steps.get(i);
            encoded[i] = DerWriter.sequence(DerWriter.explicit(0, DerWriter.uint32(p.commandCode())),
                    DerWriter.explicit(1, DerWriter.octetString(p.commandPolicy())));
        }
        return DerWriter.sequence(encoded);
    }

    private static byte[] sized(byte[] contents) {
        return new TpmWriter(contents.length + 2).tpm2b(contents).toByteArray();
    }
}
