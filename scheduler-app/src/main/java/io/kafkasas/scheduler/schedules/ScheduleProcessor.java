package io.kafkasas.scheduler.schedules;

import io.kafkasas.app.streams.IdleCommits;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.Schedule;
import io.kafkasas.avro.ScheduleState;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.scheduler.DueKeys;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.scheduler.SourceLetters;
import io.kafkasas.schedules.ScheduleMachine;
import io.kafkasas.schedules.ScheduleMachine.Fired;
import io.kafkasas.schedules.ScheduleMachine.Step;
import io.kafkasas.schedules.ScheduleRules;
import io.kafkasas.schemas.requests.RequestValidator;
import io.kafkasas.schemas.requests.Violation;
import io.kafkasas.schemas.serde.UndecodableRecordException;
import io.kafkasas.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out {@link ScheduleMachine}'s steps, exactly once (the app runs with {@code exactly_once_v2}): a
 * schedule's state, its timer, the runs it fires and the cancels it asks for are committed together.
 * <ul>
 *   <li>a schedule record: decoded and checked ({@link ScheduleRules}; what fails is dead-lettered with the reasons,
 *   and the schedule in force stays), then defined; a tombstone deletes the schedule;</li>
 *   <li>a run's status (from {@link RunFeed}): the run's state, and a held slot released;</li>
 *   <li>the wall-clock punctuator: every schedule whose timer is due steps forward. The timer goes off
 *   {@code scheduler.schedules.lead.ms} before a slot that may go early: its run is handed to the intake with the
 *   slot's due time as notBefore, so that a herd of slots is validated and de-duplicated before its time and only
 *   emitted at it.</li>
 * </ul>
 */
final class ScheduleProcessor implements Processor<Object, Object, Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduleProcessor.class);

    private final SchedulerConfig config;
    private final Deserializer<Schedule> schedules;
    private final RequestValidator validator;
    private final ScheduleMetrics metrics;
    private final Clock clock;
    private final IdleCommits idleCommits;
    private final Duration lead;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, ScheduleState> states;
    private KeyValueStore<String, String> timers;

    ScheduleProcessor(SchedulerConfig config, Topics topics, ScheduleMetrics metrics, Clock clock,
                      IdleCommits idleCommits) {
        this.config = config;
        this.schedules = topics.schedules().valueSerde().deserializer();
        this.validator = new RequestValidator(config.requestLimits());
        this.metrics = metrics;
        this.clock = clock;
        this.idleCommits = idleCommits;
        this.lead = config.scheduleLead();
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.states = context.getStateStore(ScheduleTopology.STORE);
        this.timers = context.getStateStore(ScheduleTopology.TIMERS_STORE);
        context.schedule(config.delayCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::fireDue);
    }

    @Override
    public void process(Record<Object, Object> record) {
        Instant now = clock.instant();
        if (record.value() instanceof TaskStatus status) {
            ScheduleState state = states.get((String) record.key());
            if (state != null) {
                apply(state, ScheduleMachine.status(state, status.getTaskId(), status.getStatus(), now, lead), now);
            }
            return;
        }
        define((byte[]) record.key(), (byte[]) record.value(), record, now);
    }

    private void define(byte[] key, byte[] value, Record<Object, Object> record, Instant now) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        String id = key == null ? null : new String(key, StandardCharsets.UTF_8);
        if (id == null) {
            deadLetter(DeadLetterReason.UNDECODABLE, "A schedule record needs the schedule id as its key", record,
                now);
            return;
        }
        if (value == null) { // a tombstone: the schedule is deleted, its runs go on
            ScheduleState gone = states.delete(id);
            if (gone != null && gone.getWakeAt() != null) {
                timers.delete(DueKeys.of(gone.getWakeAt().toEpochMilli(), id));
            }
            LOG.info("Schedule {} deleted", id);
            return;
        }
        Schedule schedule;
        try {
            schedule = schedules.deserialize(source.topic(), value);
        } catch (UndecodableRecordException e) {
            deadLetter(e.reason(), e.getMessage(), record, now);
            return;
        }
        List<Violation> problems = new ArrayList<>(ScheduleRules.check(schedule, validator, now));
        if (!id.equals(schedule.getScheduleId())) {
            problems.add(new Violation("scheduleId", "must equal the record key '" + id + "', was '"
                + schedule.getScheduleId() + "'"));
        }
        if (!problems.isEmpty()) {
            deadLetter(DeadLetterReason.INVALID_REQUEST, "Invalid schedule " + id + ": " + problems.stream()
                .map(Violation::toString).collect(Collectors.joining("; ")), record, now);
            return;
        }
        ScheduleState old = states.get(id);
        LOG.info("Schedule {} {}: {} in {}{}", id, old == null ? "created" : "updated", schedule.getCron(),
            schedule.getTimeZone(), schedule.getPaused() ? " (paused)" : "");
        apply(old, ScheduleMachine.define(old, schedule, now, lead), now);
    }

    /** Every schedule whose timer is due steps forward. */
    void fireDue(long wallClockMs) {
        Instant now = Instant.ofEpochMilli(wallClockMs);
        List<String> due = new ArrayList<>();
        try (KeyValueIterator<String, String> timer = timers.range(DueKeys.first(), DueKeys.last(wallClockMs))) {
            timer.forEachRemaining(entry -> due.add(entry.key));
        }
        boolean fired = false;
        for (String timerKey : due) {
            String id = timerKey.substring(timerKey.indexOf('|') + 1);
            ScheduleState state = states.get(id);
            if (state == null || state.getWakeAt() == null
                    || !timerKey.equals(DueKeys.of(state.getWakeAt().toEpochMilli(), id))) {
                timers.delete(timerKey); // left behind by a change; the state holds the timer in force
                continue;
            }
            fired |= apply(state, ScheduleMachine.due(state, now, lead), now);
        }
        if (fired && idleCommits.on()) {
            context.commit();
        }
    }

    /** Stores the step's state and timer and sends what it asks for; whether it fired anything. */
    private boolean apply(ScheduleState old, Step step, Instant now) {
        ScheduleState state = step.state();
        String id = state.getSchedule().getScheduleId();
        if (old != null && old.getWakeAt() != null && !old.getWakeAt().equals(state.getWakeAt())) {
            timers.delete(DueKeys.of(old.getWakeAt().toEpochMilli(), id));
        }
        if (state.getWakeAt() != null) {
            timers.put(DueKeys.of(Math.max(0, state.getWakeAt().toEpochMilli()), id), id);
        }
        states.put(id, state);
        long at = now.toEpochMilli();
        for (Fired run : step.fired()) {
            context.forward(new Record<>(run.request().getTaskId(), run.request(), at), ScheduleTopology.REQUESTS_SINK);
            metrics.fired().increment();
            metrics.firingLag().record(run.lag());
        }
        for (String taskId : step.cancel()) {
            TaskStatus cancel = TaskStatus.newBuilder().setTaskId(taskId).setAttempt(0)
                .setStatus(TaskStatusType.CANCEL_REQUESTED).setTimestamp(now)
                .setMessage("replaced by a newer run of schedule " + id + " (overlap REPLACE)").build();
            context.forward(new Record<>(taskId, cancel, at), ScheduleTopology.CANCELS_SINK);
            metrics.replaced().increment();
        }
        metrics.skipped().increment(step.skipped());
        metrics.missed().increment(step.missed());
        if (step.missed() > 0) {
            LOG.warn("Schedule {}: {} slot(s) missed, older than the catch-up window of {} ms (latest {})", id,
                step.missed(), state.getSchedule().getCatchUpWindowMs(), state.getLastMissedSlot());
        }
        return !step.fired().isEmpty();
    }

    private void deadLetter(DeadLetterReason reason, String message, Record<Object, Object> record, Instant now) {
        metrics.deadLettered().increment();
        SourceLetters.send(context, record, reason, message, ScheduleTopology.DEAD_LETTER_SINK, now);
    }
}
