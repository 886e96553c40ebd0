package io.tpm4j.api;

import io.tpm4j.api.commands.HierarchyControl;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmRh;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of the platform hierarchy when tpm4j starts a TPM itself. Every TPM2_Startup enables the
 * platform hierarchy with an empty password (phEnable is SET by each Startup, CLEAR or STATE). On a machine,
 * firmware then locks it before anything else runs; on a TPM that tpm4j starts (a private swtpm, or any TPM
 * it finds not yet started) tpm4j is the firmware and has that duty: otherwise any client could disable the
 * owner's hierarchy, clear the TPM or change its seeds.
 *
 * <p>{@link #DISABLE} does it with TPM2_HierarchyControl(TPM_RH_PLATFORM, enable TPM_RH_PLATFORM, NO) rather than
 * a random platform password that is thrown away: both close the hierarchy until the next Startup, but a disabled
 * hierarchy shows in TPM_PT_STARTUP_CLEAR and is refused with TPM_RC_HIERARCHY, which says what happened, where a
 * forgotten password would only ever answer TPM_RC_BAD_AUTH. Platform NV indices stay readable (phEnableNV is
 * left set), as EK certificates must.
 */
public enum PlatformHierarchy {
    /** Disabled after every Startup tpm4j sends, as firmware does. The default. */
    DISABLE,
    /** Left enabled with its empty password, for test rigs that exercise platform commands. */
    KEEP;

    private static final Logger log = LoggerFactory.getLogger(PlatformHierarchy.class);

    /**
     * TPM2_Startup(CLEAR) unless the TPM is already started; when this call started it, applies this choice.
     * A TPM somebody else started is left as it is.
     *
     * @return whether this call started the TPM
     */
    public boolean startupIfNeeded(Tpm tpm) {
        boolean started = tpm.startupIfNeeded();
        if (started) {
            afterStartup(tpm);
        }
        return started;
    }

    /** Applies this choice after a TPM2_Startup the caller sent itself. */
    public void afterStartup(Tpm tpm) {
        if (this == DISABLE) {
            tpm.execute(new HierarchyControl(TpmRh.PLATFORM, Authorization.emptyPassword(), TpmRh.PLATFORM, false));
            log.debug("platform hierarchy disabled after TPM2_Startup, as firmware does");
        } else {
            log.debug("platform hierarchy kept enabled with an empty password after TPM2_Startup, as asked");
        }
    }

    /**
     * Whether the platform hierarchy is enabled and takes the empty password, so that whoever can send commands
     * can use it. Asked with TPM2_HierarchyControl(TPM_RH_PLATFORM, enable TPM_RH_PLATFORM, YES), which changes
     * nothing: it succeeds only if the hierarchy is enabled and its password empty, and fails with
     * TPM_RC_HIERARCHY when disabled or TPM_RC_BAD_AUTH with a password set (hierarchy authorisations are exempt
     * from dictionary-attack counting). Any failure, including a TPM that refuses the command, counts as closed.
     */
    public static boolean isOpen(Tpm tpm) {
        try {
            tpm.execute(new HierarchyControl(TpmRh.PLATFORM, Authorization.emptyPassword(), TpmRh.PLATFORM, true));
            return true;
        } catch (TpmResponseException e) {
            log.debug("platform hierarchy not usable with an empty password: {}", e.getMessage());
            return false;
        }
    }
}
