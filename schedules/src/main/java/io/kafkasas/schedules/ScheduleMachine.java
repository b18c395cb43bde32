package io.kafkasas.schedules;

import io.kafkasas.avro.Schedule;
import io.kafkasas.avro.ScheduleCatchUp;
import io.kafkasas.avro.ScheduleOverlap;
import io.kafkasas.avro.ScheduleRun;
import io.kafkasas.avro.ScheduleRunState;
import io.kafkasas.avro.ScheduleState;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.ScheduleRuns;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The decisions of one schedule: plain functions of its state, what happened, and the time. The scheduler's
 * schedule processor stores the state, arms a timer for {@code nextDueAt} and carries out the runs and cancels a
 * step asks for; all in one exactly-once transaction, so a slot that fired is never fired again, and one that did
 * not fire before a crash fires after it.
 * <ul>
 *   <li>{@link #define}: a schedule was created, changed, paused or resumed;</li>
 *   <li>{@link #due}: the timer went off: each slot due by now fires, is skipped or held (overlap policy), or is
 *   counted as missed (older than the catch-up window);</li>
 *   <li>{@link #status}: a run's task changed state, as the status topic tells it; a run that ended may release a
 *   held slot.</li>
 * </ul>
 */
public final class ScheduleMachine {

    /** Runs kept in a schedule's state, newest slot first. */
    public static final int RECENT_RUNS = 10;
    /** Running runs remembered (only ALLOW lets several run at once). */
    static final int MAX_ACTIVE = 10;
    /** Missed slots counted one by one in one step; past this the rest of an outage is jumped over. */
    static final int MAX_MISSED_COUNTED = 100_000;
    private static final Set<TaskStatusType> ENDINGS = EnumSet.of(TaskStatusType.SUCCEEDED,
        TaskStatusType.CANCELLED, TaskStatusType.DEAD_LETTERED, TaskStatusType.REJECTED);
    private static final Set<ScheduleRunState> FINAL = EnumSet.of(ScheduleRunState.SUCCEEDED,
        ScheduleRunState.CANCELLED, ScheduleRunState.DEAD_LETTERED, ScheduleRunState.REJECTED,
        ScheduleRunState.SKIPPED, ScheduleRunState.MISSED);

    /** A run fired by a step: its request, and how late it fired (fired at minus due time; 0 when early). */
    public record Fired(TaskRequest request, Duration lag) {
    }

    /** What a step decided: the new state, the runs to submit, the tasks to cancel, slots skipped and missed. */
    public record Step(ScheduleState state, List<Fired> fired, List<String> cancel, int skipped, int missed) {
    }

    static {
        Contracts.trust(); // the records built here are contract classes
    }

    private ScheduleMachine() {
    }

    /** {@code schedule} is new ({@code old} null) or replaces {@code old}. */
    public static Step define(ScheduleState old, Schedule schedule, Instant now, Duration lead) {
        ScheduleState.Builder next = old == null ? ScheduleState.newBuilder().setSchedule(schedule)
            : ScheduleState.newBuilder(old).setSchedule(schedule);
        Builder step = new Builder(next, now, lead);
        if (schedule.getPaused()) {
            step.dropBuffered();
            next.setNextSlot(null);
        } else if (old == null || old.getNextSlot() == null || !sameTiming(old.getSchedule(), schedule)) {
            Instant after = now;
            if (schedule.getStartAt() != null && schedule.getStartAt().minusMillis(1).isAfter(now)) {
                after = schedule.getStartAt().minusMillis(1);
            }
            next.setNextSlot(spec(schedule).next(after));
        }
        next.setNextSlot(withinEnd(schedule, next.getNextSlot()));
        return step.build();
    }

    /**
     * The timer went off at {@code now}: every slot due by then is decided, oldest first. Then slots due within
     * {@code lead} are handed over early, held by the intake until their due time, as long as no decision waits on
     * a run that has not ended (always for ALLOW; for the others, while no run is active).
     */
    public static Step due(ScheduleState state, Instant now, Duration lead) {
        Schedule schedule = state.getSchedule();
        ScheduleSpec spec = spec(schedule);
        Builder step = new Builder(ScheduleState.newBuilder(state), now, lead);
        long window = Math.max(schedule.getCatchUpWindowMs(), ScheduleRules.MIN_CATCH_UP_WINDOW.toMillis());
        List<Instant> late = new ArrayList<>();
        Instant slot = state.getNextSlot();
        int counted = 0;
        while (slot != null && !dueAt(schedule, slot).isAfter(now)) {
            Instant due = dueAt(schedule, slot);
            if (Duration.between(due, now).toMillis() > window) {
                step.miss(slot);
                if (++counted >= MAX_MISSED_COUNTED) { // a long outage of a frequent schedule: jump to the window
                    slot = withinEnd(schedule, spec.next(now.minusMillis(window + 1)));
                    continue;
                }
            } else {
                late.add(slot);
            }
            slot = withinEnd(schedule, spec.next(slot));
        }
        if (schedule.getCatchUp() == ScheduleCatchUp.LATEST) {
            while (late.size() > 1) {
                step.miss(late.remove(0));
            }
        }
        late.forEach(step::onSlot);
        Instant horizon = now.plus(lead);
        while (slot != null && !dueAt(schedule, slot).isAfter(horizon) && step.mayGoEarly()) {
            step.fire(slot);
            slot = withinEnd(schedule, spec.next(slot));
        }
        step.state.setNextSlot(slot);
        return step.build();
    }

    /** A status of the run {@code taskId} arrived. */
    public static Step status(ScheduleState state, String taskId, TaskStatusType status, Instant now,
                              Duration lead) {
        Builder step = new Builder(ScheduleState.newBuilder(state), now, lead);
        ScheduleRunState runState = runState(status);
        if (runState != null) {
            step.record(taskId, runState);
        }
        if (ENDINGS.contains(status)) {
            step.ended(taskId);
        }
        return step.build();
    }

    /**
     * The runs of the slots from {@code from} to {@code to} (both included) for a backfill; they carry the slots'
     * own run ids, so a slot that already ran within the de-duplication window does not run again.
     * {@link IllegalArgumentException} if the range holds more than {@code max} slots.
     */
    public static List<TaskRequest> backfill(Schedule schedule, Instant from, Instant to, Instant now, int max) {
        ScheduleSpec spec = spec(schedule);
        List<TaskRequest> runs = new ArrayList<>();
        for (Instant slot = spec.next(from.minusMillis(1)); slot != null && !slot.isAfter(to);
                slot = spec.next(slot)) {
            if (runs.size() == max) {
                throw new IllegalArgumentException("The range " + from + " to " + to + " holds more than " + max
                    + " slots of '" + schedule.getCron() + "'; backfill a shorter one");
            }
            runs.add(ScheduleRules.runRequest(schedule, ScheduleRuns.taskId(schedule.getScheduleId(), slot), slot,
                null, now));
        }
        return runs;
    }

    /** The next {@code count} slots after {@code state}'s next one, that one included. */
    public static List<Instant> upcoming(ScheduleState state, int count) {
        List<Instant> slots = new ArrayList<>();
        ScheduleSpec spec = spec(state.getSchedule());
        for (Instant slot = state.getNextSlot(); slot != null && slots.size() < count;
                slot = withinEnd(state.getSchedule(), spec.next(slot))) {
            slots.add(slot);
        }
        return slots;
    }

    /**
     * When {@code slot} is due: the slot plus its jitter, a fixed amount for the schedule and the slot (so a slot
     * tried again is due at the same time).
     */
    public static Instant dueAt(Schedule schedule, Instant slot) {
        long jitter = schedule.getJitterMs();
        if (jitter <= 0) {
            return slot;
        }
        int hash = (schedule.getScheduleId() + "@" + slot.toEpochMilli()).hashCode();
        return slot.plusMillis(Math.floorMod(hash * 0x9E3779B1L, jitter + 1));
    }

    static ScheduleSpec spec(Schedule schedule) {
        return ScheduleSpec.parse(schedule.getCron(), schedule.getTimeZone());
    }

    private static Instant withinEnd(Schedule schedule, Instant slot) {
        return slot == null || schedule.getEndAt() == null || !slot.isAfter(schedule.getEndAt()) ? slot : null;
    }

    private static boolean sameTiming(Schedule before, Schedule after) {
        return !before.getPaused() && before.getCron().equals(after.getCron())
            && before.getTimeZone().equals(after.getTimeZone()) && Objects.equals(before.getStartAt(),
            after.getStartAt());
    }

    private static ScheduleRunState runState(TaskStatusType status) {
        return switch (status) {
            case STARTED -> ScheduleRunState.STARTED;
            case SUCCEEDED -> ScheduleRunState.SUCCEEDED;
            case CANCELLED -> ScheduleRunState.CANCELLED;
            case DEAD_LETTERED -> ScheduleRunState.DEAD_LETTERED;
            case REJECTED -> ScheduleRunState.REJECTED;
            default -> null; // progress, failures that are retried, cancel requests: the run goes on
        };
    }

    private static ScheduleOverlap overlap(Schedule schedule) {
        return schedule.getOverlap() == ScheduleOverlap.UNKNOWN ? ScheduleOverlap.SKIP : schedule.getOverlap();
    }

    /** One step under way: the state being changed and what it asks for. */
    private static final class Builder {
        private final ScheduleState.Builder state;
        private final Instant now;
        private final Duration lead;
        private final List<Fired> fired = new ArrayList<>();
        private final List<String> cancel = new ArrayList<>();
        private final List<ScheduleRun> runs;
        private final List<String> active;
        private int skipped;
        private int missed;

        Builder(ScheduleState.Builder state, Instant now, Duration lead) {
            this.state = state;
            this.now = now;
            this.lead = lead;
            // a new state's builder has no lists yet: Avro fills in defaults only at build()
            this.runs = state.hasRecentRuns() ? new ArrayList<>(state.getRecentRuns()) : new ArrayList<>();
            this.active = state.hasActiveRuns() ? new ArrayList<>(state.getActiveRuns()) : new ArrayList<>();
        }

        /** A slot within the catch-up window is due: the overlap policy decides. */
        void onSlot(Instant slot) {
            Schedule schedule = state.getSchedule();
            if (active.isEmpty()) {
                fire(slot);
                return;
            }
            switch (overlap(schedule)) {
                case ALLOW -> fire(slot);
                case REPLACE -> {
                    cancel.addAll(active);
                    fire(slot);
                }
                case BUFFER_ONE -> {
                    dropBuffered();
                    state.setBufferedSlot(slot);
                    put(run(slot, null, ScheduleRunState.BUFFERED));
                }
                default -> skip(slot);
            }
        }

        /** Whether a slot may be handed over before its time: nothing that is still running can change it. */
        boolean mayGoEarly() {
            return overlap(state.getSchedule()) == ScheduleOverlap.ALLOW || active.isEmpty();
        }

        /** Fires {@code slot}; one not due yet goes to the intake to be held until it is. */
        void fire(Instant slot) {
            Schedule schedule = state.getSchedule();
            String taskId = ScheduleRuns.taskId(schedule.getScheduleId(), slot);
            Instant due = dueAt(schedule, slot);
            fired.add(new Fired(ScheduleRules.runRequest(schedule, taskId, slot, due.isAfter(now) ? due : null, now),
                due.isAfter(now) ? Duration.ZERO : Duration.between(due, now)));
            put(run(slot, taskId, ScheduleRunState.FIRED));
            active.add(taskId);
            if (active.size() > MAX_ACTIVE) {
                active.remove(0);
            }
            state.setFired(state.getFired() + 1);
        }

        void skip(Instant slot) {
            put(run(slot, null, ScheduleRunState.SKIPPED));
            skipped++;
            state.setSkipped(state.getSkipped() + 1);
        }

        void miss(Instant slot) {
            put(run(slot, null, ScheduleRunState.MISSED));
            missed++;
            state.setMissed(state.getMissed() + 1);
            state.setLastMissedSlot(slot);
        }

        /** A held slot is given up (a newer one takes its place, or the schedule paused): it counts as skipped. */
        void dropBuffered() {
            Instant buffered = state.getBufferedSlot();
            if (buffered != null) {
                state.setBufferedSlot(null);
                skip(buffered);
            }
        }

        /** The run {@code taskId} is in {@code runState}; a run fired by an operator is learnt of here. */
        void record(String taskId, ScheduleRunState runState) {
            ScheduleRun known = runs.stream().filter(r -> taskId.equals(r.getTaskId())).findFirst().orElse(null);
            if (known == null) {
                Instant slot = ScheduleRuns.slotOf(taskId).orElse(now);
                put(ScheduleRun.newBuilder(run(slot, taskId, runState)).setManual(true).build());
                if (!FINAL.contains(runState) && !active.contains(taskId)) {
                    active.add(taskId);
                }
            } else if (!FINAL.contains(known.getState())) {
                put(ScheduleRun.newBuilder(known).setState(runState).build());
            }
        }

        /** The run {@code taskId} ended: a held slot fires now. */
        void ended(String taskId) {
            active.remove(taskId);
            Instant buffered = state.getBufferedSlot();
            if (active.isEmpty() && buffered != null) {
                state.setBufferedSlot(null);
                fire(buffered);
            }
        }

        private ScheduleRun run(Instant slot, String taskId, ScheduleRunState runState) {
            return ScheduleRun.newBuilder().setSlot(slot).setTaskId(taskId)
                .setFiredAt(runState == ScheduleRunState.FIRED ? now : null).setState(runState).build();
        }

        /** Adds or replaces the run of {@code run}'s slot (and task), keeping the newest {@link #RECENT_RUNS}. */
        private void put(ScheduleRun run) {
            runs.removeIf(r -> r.getSlot().equals(run.getSlot()) && Objects.equals(r.getManual(), run.getManual())
                && (r.getTaskId() == null || r.getTaskId().equals(run.getTaskId())));
            runs.add(run);
            runs.sort(Comparator.comparing(ScheduleRun::getSlot).reversed());
            while (runs.size() > RECENT_RUNS) {
                runs.remove(runs.size() - 1);
            }
        }

        Step build() {
            Schedule schedule = state.getSchedule();
            state.setRecentRuns(runs).setActiveRuns(active);
            Instant due = state.getNextSlot() == null ? null : dueAt(schedule, state.getNextSlot());
            state.setNextDueAt(due);
            state.setWakeAt(due == null ? null : mayGoEarly() ? due.minus(lead) : due);
            return new Step(state.build(), fired, cancel, skipped, missed);
        }
    }
}
