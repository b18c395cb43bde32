package io.kafkasas.scheduler.limits;

import io.kafkasas.avro.Limit;
import io.kafkasas.avro.LimitUse;

/**
 * What a limit lets through now, as plain functions on its {@link LimitUse}: a token bucket for the rate (credit
 * grows by the rate per second; each release spends one) and a count for the tasks running at once (a release
 * takes a place; the end of its attempt gives it back). An idle key saves up a quarter of a second's credit (at
 * least one start); a key with tasks waiting up to a second's, so that a pause of the stream thread (a commit, a
 * large poll) delays starts without losing them: over a backlog the starts keep to the rate itself.
 */
public final class LimitGate {

    /** Why a limit's tasks wait. */
    public enum Holding { NOTHING, RATE_LIMIT, CONCURRENCY_LIMIT }

    private LimitGate() {
    }

    /**
     * The credit a rate may save up: a quarter of a second of starts, at least one. Enough to carry the stream
     * thread's pauses (a commit, a large poll) without losing starts; small enough that a 10 s window after an idle
     * spell is at most 2.5 % over the rate.
     */
    static double burst(double rate) {
        return Math.max(1, rate / 4);
    }

    /** Tasks held, not yet released into their lane: what each lane's queue holds, from its first to its next. */
    public static long waiting(LimitUse use) {
        long waiting = 0;
        for (int lane = 0; lane < use.getTails().size(); lane++) {
            waiting += use.getTails().get(lane) - use.getHeads().get(lane);
        }
        return waiting;
    }

    /** Tops the rate credit of {@code use} up to {@code nowMs}. A key first seen starts with a full burst. */
    public static void topUp(LimitUse use, Limit limit, long nowMs) {
        Double rate = limit == null ? null : limit.getStartsPerSecond();
        if (rate == null) {
            use.setCredit(0);
        } else if (use.getCreditAt() == 0) {
            use.setCredit(burst(rate));
        } else {
            double elapsedSeconds = Math.max(0, nowMs - use.getCreditAt()) / 1000.0;
            double most = waiting(use) > 0 ? Math.max(burst(rate), rate) : burst(rate);
            use.setCredit(Math.min(most, use.getCredit() + rate * elapsedSeconds));
        }
        use.setCreditAt(nowMs);
    }

    /** What keeps the next task from going now; {@link Holding#NOTHING} if it may. No limit holds nothing. */
    public static Holding holding(LimitUse use, Limit limit) {
        if (limit == null) {
            return Holding.NOTHING;
        }
        if (limit.getMaxRunning() != null && use.getRunning() >= limit.getMaxRunning()) {
            return Holding.CONCURRENCY_LIMIT;
        }
        if (limit.getStartsPerSecond() != null && use.getCredit() < 1) {
            return Holding.RATE_LIMIT;
        }
        return Holding.NOTHING;
    }

    /** One waiting task (already taken off its queue) goes: it spends a credit and takes a place. */
    public static void release(LimitUse use, Limit limit) {
        if (limit != null && limit.getStartsPerSecond() != null) {
            use.setCredit(use.getCredit() - 1);
        }
        use.setRunning(use.getRunning() + 1);
        use.setReleased(use.getReleased() + 1);
    }

    /** The attempt of a released task ended (or was replaced): its place is free. */
    public static void ended(LimitUse use) {
        use.setRunning(Math.max(0, use.getRunning() - 1));
    }
}
