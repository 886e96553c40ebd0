package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.ChangeEps;
import io.tpm4j.api.commands.ChangePps;
import io.tpm4j.api.commands.Clear;
import io.tpm4j.api.commands.ClearControl;
import io.tpm4j.api.commands.ClockRateAdjust;
import io.tpm4j.api.commands.ClockSet;
import io.tpm4j.api.commands.DictionaryAttackLockReset;
import io.tpm4j.api.commands.DictionaryAttackParameters;
import io.tpm4j.api.commands.HierarchyChangeAuth;
import io.tpm4j.api.commands.HierarchyControl;
import io.tpm4j.api.commands.PpCommands;
import io.tpm4j.api.commands.SetAlgorithmSet;
import io.tpm4j.api.commands.SetPrimaryPolicy;
import io.tpm4j.api.commands.Shutdown;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.types.CapabilityData;
import io.tpm4j.api.types.PermanentAttributes;
import io.tpm4j.api.types.StartupClearAttributes;
import io.tpm4j.api.types.TaggedPolicy;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCap;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmPt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.types.TpmSu;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.tpm4j.testhw.suite.ExerciseSupport.EMPTY;
import static io.tpm4j.testhw.suite.ExerciseSupport.permanent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exercises of the hierarchies' lasting settings, each needing its permission and each putting back what
 * it changed: a persistent key, the owner's password and primary policy, the clock, the dictionary-attack
 * settings, the endorsement hierarchy and TPM2_Clear switched off and on, the algorithm set, the
 * physical-presence list and Shutdown; then the destructive ones, which cannot be undone: new endorsement and
 * platform seeds and TPM2_Clear.
 */
final class HierarchyExercises {

    private HierarchyExercises() {
    }

    static void persistent(Tpm tpm) {
        int handle = TestHandles.free(tpm, TpmHt.PERSISTENT, TestHandles.OWNER_PERSISTENT);
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
            tpm.persist(srk, handle);
            try {
                assertArrayEquals(srk.name(), tpm.readPublic(handle).name());
            } finally {
                tpm.evict(handle);
            }
        }
    }

    /** The owner's password set, needed, and put back to the empty one. */
    static void ownerPassword(Tpm tpm) {
        byte[] password = "owner password".getBytes(StandardCharsets.UTF_8);
        tpm.execute(new HierarchyChangeAuth(TpmRh.OWNER, EMPTY, password));
        try {
            assertTrue((permanent(tpm) & PermanentAttributes.OWNER_AUTH_SET) != 0, "ownerAuthSet");
        } finally {
            tpm.execute(new HierarchyChangeAuth(TpmRh.OWNER, Authorization.password(password), new byte[0]));
        }
    }

    /** The owner hierarchy's policy set to another, then back to the one it had (read with TPM_CAP_AUTH_POLICIES). */
    static void primaryPolicy(Tpm tpm) {
        CapabilityData data = tpm.getCapability(TpmCap.AUTH_POLICIES, TpmRh.OWNER, 1).data();
        TaggedPolicy before = ((CapabilityData.AuthPolicies) data).policies().stream()
                .filter(p -> p.handle() == TpmRh.OWNER).findFirst()
                .orElseThrow(() -> new AssertionError("TPM_CAP_AUTH_POLICIES does not list the owner hierarchy"));
        TpmAlg beforeAlg = TpmAlg.of(before.hashAlg()).orElseThrow();
        try {
            tpm.execute(new SetPrimaryPolicy(TpmRh.OWNER, EMPTY,
                    PolicyDigest.start(TpmAlg.SHA256).authValue().digest(), TpmAlg.SHA256));
        } finally {
            tpm.execute(new SetPrimaryPolicy(TpmRh.OWNER, EMPTY, before.digest(), beforeAlg));
        }
    }

    /** The clock moved a second forward (it may never go back), its rate left as it is. */
    static void clock(Tpm tpm) {
        long clock = tpm.readClock().clock();
        tpm.execute(new ClockSet(TpmRh.OWNER, EMPTY, clock + 1000));
        assertTrue(tpm.readClock().clock() >= clock + 1000, "the clock moved forward");
        tpm.execute(new ClockRateAdjust(TpmRh.OWNER, EMPTY, 0));
    }

    /** The lockout settings the TPM has, set again; the failure counter reset. */
    static void dictionaryAttack(Tpm tpm) {
        Map<Integer, Integer> properties = tpm.allProperties();
        tpm.execute(new DictionaryAttackParameters(TpmRh.LOCKOUT, EMPTY, properties.get(TpmPt.MAX_AUTH_FAIL.value()),
                properties.get(TpmPt.LOCKOUT_INTERVAL.value()), properties.get(TpmPt.LOCKOUT_RECOVERY.value())));
        tpm.execute(new DictionaryAttackLockReset(TpmRh.LOCKOUT, EMPTY));
    }

    /** The endorsement hierarchy switched off and on again (or on and off, if it was off); never the platform's. */
    static void hierarchyControl(Tpm tpm) {
        boolean enabled = (tpm.allProperties().get(TpmPt.STARTUP_CLEAR.value()) & StartupClearAttributes.EH_ENABLE) != 0;
        try {
            tpm.execute(new HierarchyControl(TpmRh.PLATFORM, EMPTY, TpmRh.ENDORSEMENT, !enabled));
        } finally {
            tpm.execute(new HierarchyControl(TpmRh.PLATFORM, EMPTY, TpmRh.ENDORSEMENT, enabled));
        }
    }

    /** TPM2_Clear disabled, then enabled again unless it was disabled before (enabling needs the platform). */
    static void clearControl(Tpm tpm) {
        boolean wasDisabled = (permanent(tpm) & PermanentAttributes.DISABLE_CLEAR) != 0;
        try {
            tpm.execute(new ClearControl(TpmRh.PLATFORM, EMPTY, true));
        } finally {
            if (!wasDisabled) {
                tpm.execute(new ClearControl(TpmRh.PLATFORM, EMPTY, false));
            }
        }
    }

    static void algorithmSet(Tpm tpm) {
        tpm.execute(new SetAlgorithmSet(EMPTY, tpm.allProperties().getOrDefault(TpmPt.ALGORITHM_SET.value(), 0)));
    }

    /** Empty lists: nothing would change even where physical presence is asserted. */
    static void ppCommands(Tpm tpm) {
        try {
            tpm.execute(new PpCommands(EMPTY, List.of(), List.of()));
        } catch (TpmResponseException e) {
            if (!e.is(TpmRc.PP)) {
                throw e;
            }
        }
    }

    /**
     * Shutdown only prepares for a power loss: the TPM goes on answering. STATE is refused with TPM_RC_TYPE once
     * PCR_Allocate has run (until the next reset, as after "PCR allocation" in this run); CLEAR is taken then.
     */
    static void shutdown(Tpm tpm) {
        try {
            tpm.execute(new Shutdown(TpmSu.STATE));
        } catch (TpmResponseException e) {
            if (!e.is(TpmRc.TYPE)) {
                throw e;
            }
            tpm.execute(new Shutdown(TpmSu.CLEAR));
        }
        assertEquals(8, tpm.getRandom(8).length, "a command after TPM2_Shutdown");
    }

    // Destructive: nothing can put these back (Exercises says what each one removes).

    static void newEndorsementSeed(Tpm tpm) {
        tpm.execute(new ChangeEps(TpmRh.PLATFORM, EMPTY));
    }

    static void newPlatformSeed(Tpm tpm) {
        tpm.execute(new ChangePps(TpmRh.PLATFORM, EMPTY));
    }

    static void clear(Tpm tpm) {
        tpm.execute(new Clear(TpmRh.LOCKOUT, EMPTY));
    }
}
