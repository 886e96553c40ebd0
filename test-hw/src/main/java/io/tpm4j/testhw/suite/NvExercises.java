package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.NvCertify;
import io.tpm4j.api.commands.NvChangeAuth;
import io.tpm4j.api.commands.NvDefineSpace;
import io.tpm4j.api.commands.NvGlobalWriteLock;
import io.tpm4j.api.commands.NvReadLock;
import io.tpm4j.api.commands.NvSetBits;
import io.tpm4j.api.commands.NvUndefineSpaceSpecial;
import io.tpm4j.api.commands.NvWriteLock;
import io.tpm4j.api.commands.PolicyAuthorizeNv;
import io.tpm4j.api.commands.PolicyCommandCode;
import io.tpm4j.api.commands.PolicyNv;
import io.tpm4j.api.commands.PolicyRestart;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmEo;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmWriter;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

import static io.tpm4j.api.types.TpmCc.*;
import static io.tpm4j.testhw.suite.ExerciseSupport.EMPTY;
import static io.tpm4j.testhw.suite.ExerciseSupport.nullPrimary;
import static io.tpm4j.testhw.suite.ExerciseSupport.verify;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exercises of NV indices, on free handles and undefined at the end: each index type with its commands,
 * the global write lock, and a platform index deleted by policy. They need the NV permission with the owner's
 * or the platform's.
 */
final class NvExercises {

    /** Whether the TPM has a command: an exercise skips the optional steps whose commands it lacks. */
    private final Predicate<TpmCc> has;

    NvExercises(Predicate<TpmCc> advertised) {
        this.has = advertised;
    }

    /**
     * Indices of each type on free owner handles, undefined at the end: an ordinary one holding an approved
     * policy (PolicyNV compares against it, PolicyAuthorizeNV uses it) whose password only a policy can change,
     * then locked; a counter, a bit field and an extend index.
     */
    void nvIndices(Tpm tpm) {
        int[] free = TestHandles.free(tpm, TpmHt.NV_INDEX, TestHandles.OWNER_NV, 4);
        int ordinary = free[0];
        int counter = free[1];
        int bits = free[2];
        int extend = free[3];
        byte[] unsealPolicy = PolicyDigest.start(TpmAlg.SHA256).commandCode(UNSEAL).digest();
        byte[] approved = new TpmWriter().u16(TpmAlg.SHA256.value()).bytes(unsealPolicy).toByteArray();
        byte[] newAuth = "new".getBytes(StandardCharsets.UTF_8);
        tpm.nvDefine(index(ordinary, NvAttributes.Type.ORDINARY, approved.length, PolicyDigest.start(TpmAlg.SHA256)
                .commandCode(NV_CHANGE_AUTH).digest(), NvAttributes.WRITE_STCLEAR, NvAttributes.READ_STCLEAR), new byte[0]);
        try {
            tpm.nvWrite(ordinary, EMPTY, approved);
            assertArrayEquals(approved, tpm.nvRead(ordinary, EMPTY));
            assertEquals(approved.length, tpm.nvReadPublic(ordinary).nvPublic().dataSize());
            try (TpmObject primary = nullPrimary(tpm);
                 TpmObject signer = tpm.load(primary, tpm.create(primary, Templates.eccSigningKey()))) {
                if (has.test(NV_CERTIFY)) {
                    verify(signer, tpm.execute(new NvCertify(signer.handle(), EMPTY, ordinary, EMPTY, ordinary,
                            new byte[0], Scheme.NULL, approved.length, 0)));
                }
            }
            try (AuthSession session = tpm.startSession(Session.policy(TpmAlg.SHA256))) {
                tpm.execute(new PolicyNv(ordinary, EMPTY, ordinary, session.handle(), Arrays.copyOf(approved, 2), 0,
                        TpmEo.EQ));
                if (has.test(POLICY_AUTHORIZE_NV)) {
                    tpm.execute(new PolicyRestart(session.handle()));
                    tpm.execute(new PolicyCommandCode(session.handle(), UNSEAL.value()));
                    tpm.execute(new PolicyAuthorizeNv(ordinary, EMPTY, ordinary, session.handle()));
                }
                tpm.execute(new PolicyRestart(session.handle()));
                tpm.execute(new PolicyCommandCode(session.handle(), NV_CHANGE_AUTH.value()));
                tpm.execute(new NvChangeAuth(ordinary, Authorization.policy(session), newAuth));
            }
            Authorization changed = Authorization.password(newAuth);
            assertArrayEquals(approved, tpm.nvRead(ordinary, changed), "read with the new password");
            tpm.execute(new NvWriteLock(ordinary, changed, ordinary));
            tpm.execute(new NvReadLock(ordinary, changed, ordinary));

            tpm.nvDefine(index(counter, NvAttributes.Type.COUNTER, 8, new byte[0]), new byte[0]);
            tpm.nvIncrement(counter, EMPTY);
            tpm.nvDefine(index(bits, NvAttributes.Type.BITS, 8, new byte[0]), new byte[0]);
            tpm.execute(new NvSetBits(bits, EMPTY, bits, 0b1010));
            assertEquals(0b1010, ByteBuffer.wrap(tpm.nvRead(bits, EMPTY)).getLong());
            tpm.nvDefine(index(extend, NvAttributes.Type.EXTEND, 32, new byte[0]), new byte[0]);
            tpm.nvExtend(extend, EMPTY, "extended".getBytes(StandardCharsets.UTF_8));
        } finally {
            for (int index : List.of(ordinary, counter, bits, extend)) {
                if (tpm.handles(TpmHt.NV_INDEX).contains(index)) {
                    tpm.nvUndefine(index);
                }
            }
        }
    }

    private static NvPublic index(int handle, NvAttributes.Type type, int size, byte[] policy, int... more) {
        int attributes = NvAttributes.AUTHREAD | NvAttributes.AUTHWRITE | NvAttributes.NO_DA;
        for (int attribute : more) {
            attributes |= attribute;
        }
        return new NvPublic(handle, TpmAlg.SHA256, NvAttributes.of(type, attributes), policy, size);
    }

    static void globalWriteLock(Tpm tpm) {
        int handle = TestHandles.free(tpm, TpmHt.NV_INDEX, TestHandles.OWNER_NV);
        tpm.nvDefine(index(handle, NvAttributes.Type.ORDINARY, 4, new byte[0], NvAttributes.GLOBALLOCK), new byte[0]);
        try {
            tpm.execute(new NvGlobalWriteLock(TpmRh.OWNER, EMPTY));
            TpmResponseException locked = assertThrows(TpmResponseException.class,
                    () -> tpm.nvWrite(handle, EMPTY, new byte[4]));
            assertTrue(locked.is(TpmRc.NV_LOCKED), locked.getMessage());
        } finally {
            tpm.nvUndefine(handle);
        }
    }

    /** A platform index that only TPM2_NV_UndefineSpaceSpecial, with its policy, may delete. */
    static void undefineSpaceSpecial(Tpm tpm) {
        int handle = TestHandles.free(tpm, TpmHt.NV_INDEX, TestHandles.PLATFORM_NV);
        tpm.execute(new NvDefineSpace(TpmRh.PLATFORM, EMPTY, new byte[0], new NvPublic(handle, TpmAlg.SHA256,
                NvAttributes.of(NvAttributes.Type.ORDINARY, NvAttributes.PPWRITE, NvAttributes.PPREAD, NvAttributes.NO_DA,
                        NvAttributes.PLATFORMCREATE, NvAttributes.POLICY_DELETE),
                PolicyDigest.start(TpmAlg.SHA256).commandCode(NV_UNDEFINE_SPACE_SPECIAL).digest(), 8)));
        try (AuthSession session = tpm.startSession(Session.policy(TpmAlg.SHA256))) {
            tpm.execute(new PolicyCommandCode(session.handle(), NV_UNDEFINE_SPACE_SPECIAL.value()));
            tpm.execute(new NvUndefineSpaceSpecial(handle, Authorization.policy(session), EMPTY));
        }
    }
}
