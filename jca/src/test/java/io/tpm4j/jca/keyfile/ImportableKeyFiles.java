package io.tpm4j.jca.keyfile;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.Duplicate;
import io.tpm4j.api.commands.PolicyCommandCode;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;

/**
 * Importable key files made by the TPM itself: an ECDSA P-256 key that may be duplicated (its authPolicy is
 * PolicyCommandCode(TPM2_Duplicate); userWithAuth, empty password, for its use) is created under {@code source} and
 * duplicated with no inner wrapper to {@code newParent}, which is what a remote party holding the new parent's public
 * key makes in software.
 */
public final class ImportableKeyFiles {

    private ImportableKeyFiles() {
    }

    /** The duplicate of a new key as an importable key file naming {@code fileParent} (the handle of newParent). */
    public static TssPrivateKey duplicated(Tpm tpm, TpmObject source, TpmObject newParent, int fileParent) {
        PolicyDigest duplicationPolicy = PolicyDigest.start(TpmAlg.SHA256).commandCode(TpmCc.DUPLICATE);
        PublicArea duplicable = new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.SENSITIVE_DATA_ORIGIN,
                ObjectAttributes.USER_WITH_AUTH, ObjectAttributes.SIGN_ENCRYPT), duplicationPolicy.digest(),
                new PublicParameters.Ecc(SymmetricDefinition.NULL, Scheme.of(TpmAlg.ECDSA, TpmAlg.SHA256),
                        Templates.ECC_NIST_P256, Scheme.NULL), new PublicId.Ecc(new byte[0], new byte[0]));
        Create.Response created = tpm.create(source, duplicable);
        try (TpmObject key = tpm.load(source, created);
             AuthSession session = tpm.startSession(Session.policy(TpmAlg.SHA256))) {
            tpm.execute(new PolicyCommandCode(session.handle(), TpmCc.DUPLICATE.value()));
            Duplicate.Response dup = tpm.execute(new Duplicate(key.handle(), Authorization.policy(session),
                    newParent.handle(), new byte[0], SymmetricDefinition.NULL));
            if (dup.encryptionKeyOut().length != 0) {
                throw new AssertionError("TPM2_Duplicate made an inner wrapper it was not asked for");
            }
            return TssPrivateKey.importable(fileParent, created.outPublic(), dup.duplicate(), dup.outSymSeed(), true);
        }
    }
}
