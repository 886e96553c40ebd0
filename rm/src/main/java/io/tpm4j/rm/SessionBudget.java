package io.tpm4j.rm;

import io.tpm4j.api.types.TpmRc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.IntSupplier;

/**
 * How many sessions each space may hold, so that no space can take the TPM's sessions from the others. Every
 * session counts against the space it is charged to: the sessions it owns (loaded or swapped out by the RM) and
 * those it context-saved itself and nobody has loaded since. The TPM holds at most {@code budget} sessions at
 * once (TPM_PT_ACTIVE_SESSIONS_MAX, less where the context gap could not be kept open for that many); a space
 * may hold
 *
 * <pre>share = min(quota, max(budget / open spaces, (budget - sessions of the other open spaces) / 2))</pre>
 *
 * so a space always gets its fair part, and borrows beyond it only while as much stays free as it holds. A
 * session whose saving space closed is abandoned: kept for whoever holds its blob (as tpm2-abrmd does), charged
 * to nobody, at most {@code maxAbandoned} of them, and the oldest is flushed first, beyond that bound or when a
 * space needs its room in the budget. Beyond its share a space is refused with TPM_RC_SESSION_MEMORY in the
 * resource-manager layer; nothing of another space is touched. Guarded by the chip's command lock.
 */
final class SessionBudget {

    private static final Logger log = LoggerFactory.getLogger(SessionBudget.class);

    private final Tracker tracker;
    private final ChipLink link;
    private final int budget;
    private final int quota;
    private final int maxAbandoned;
    private final IntSupplier openSpaces;

    SessionBudget(Tracker tracker, ChipLink link, int budget, int quota, int maxAbandoned, IntSupplier openSpaces) {
        this.tracker = tracker;
        this.link = link;
        this.budget = budget;
        this.quota = quota;
        this.maxAbandoned = maxAbandoned;
        this.openSpaces = openSpaces;
    }

    /** The number of sessions the TPM is trusted to hold for all spaces together. */
    int budget() {
        return budget;
    }

    /** What {@code space} may hold now, by the rule above. */
    int share(Space space) {
        int own = space.chargedSessionCount();
        int others = tracker.sessionCount() - tracker.abandonedSessions().size() - own;
        int fair = budget / Math.max(1, openSpaces.getAsInt());
        return Math.min(quota, Math.max(fair, (budget - others) / 2));
    }

    /**
     * Lets {@code space} take one more session (StartAuthSession, or ContextLoad of a session not charged to it),
     * flushing abandoned sessions if the budget has no room (never {@code loading}, the one it is about to load, if
     * any); refuses beyond its quota or share.
     */
    void admit(Space space, TrackedSession loading) throws Refusal {
        int own = space.chargedSessionCount();
        if (own >= quota) {
            throw new Refusal(TpmRc.SESSION_MEMORY, space.name() + " holds " + own + " sessions (loaded or "
                    + "context-saved), its quota; flush one first");
        }
        int share = share(space);
        if (own >= share) {
            throw new Refusal(TpmRc.SESSION_MEMORY, space.name() + " holds " + own + " sessions (loaded or "
                    + "context-saved), its share of the TPM's " + budget + " with " + openSpaces.getAsInt()
                    + " spaces open; flush one first");
        }
        List<TrackedSession> abandoned = tracker.abandonedSessions();
        abandoned.remove(loading);
        for (int i = 0; tracker.sessionCount() >= budget && i < abandoned.size(); i++) {
            flush(space, abandoned.get(i), "the session budget needs its room");
        }
        if (tracker.sessionCount() >= budget) {
            throw new Refusal(TpmRc.SESSION_MEMORY, "the TPM's " + budget + " sessions are all held by open spaces "
                    + "(" + space.name() + " holds " + own + " of its share of " + share + "); try again later");
        }
    }

    /** {@code closing} closed: the sessions it saved are abandoned, and the oldest beyond the bound flushed. */
    void abandonSavedBy(Space closing) {
        for (TrackedSession session : closing.savedSessions()) {
            tracker.abandon(session);
        }
        List<TrackedSession> abandoned = tracker.abandonedSessions();
        for (int i = 0; i < abandoned.size() - maxAbandoned; i++) {
            flush(closing, abandoned.get(i), "more than " + maxAbandoned + " sessions are abandoned");
        }
    }

    private void flush(Space space, TrackedSession session, String why) {
        log.debug("{}: flushing {}: {}", space.name(), session, why);
        tracker.drop(session);
        link.flush(space, session.handle());
    }
}
