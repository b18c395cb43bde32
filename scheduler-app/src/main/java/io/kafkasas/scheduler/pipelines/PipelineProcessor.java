package io.kafkasas.scheduler.pipelines;

import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.Pipeline;
import io.kafkasas.avro.PipelineRun;
import io.kafkasas.avro.PipelineState;
import io.kafkasas.avro.PipelineStepRun;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.pipelines.PipelineGraph;
import io.kafkasas.pipelines.PipelineMachine;
import io.kafkasas.pipelines.PipelineRules;
import io.kafkasas.scheduler.DueKeys;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.scheduler.SourceLetters;
import io.kafkasas.schemas.PipelineRuns;
import io.kafkasas.schemas.Wire;
import io.kafkasas.schemas.requests.RequestValidator;
import io.kafkasas.schemas.requests.Violation;
import io.kafkasas.schemas.serde.DeadLetters;
import io.kafkasas.schemas.serde.UndecodableRecordException;
import io.kafkasas.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
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
 * Carries out {@link PipelineMachine}'s steps, exactly once (the app runs with {@code exactly_once_v2}): a
 * pipeline's state, the tasks it submits and cancels, and its deadline timer are committed together.
 * <ul>
 *   <li>a pipeline record: decoded and checked ({@link PipelineRules}: what fails is dead-lettered with every
 *   problem), then started; the same id again is a repeat and changes nothing, unless it carries a cancel;</li>
 *   <li>a step's status (from the step feed): the pipeline moves on;</li>
 *   <li>the wall-clock punctuator: a pipeline past its deadline fails.</li>
 * </ul>
 * A pipeline whose compensation fails is dead-lettered (COMPENSATION_FAILED) with its history, so that nothing is
 * left half-undone silently.
 */
final class PipelineProcessor implements Processor<Object, Object, Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineProcessor.class);
    /** The value of a timer that forgets an ended pipeline; a deadline's value is the pipeline id. */
    private static final String FORGET = "forget";

    private final SchedulerConfig config;
    private final String topic;
    private final Deserializer<Pipeline> pipelines;
    private final Serializer<Pipeline> pipelineBytes;
    private final RequestValidator validator;
    private final Clock clock;
    private final PipelineMetrics metrics;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, PipelineRun> runs;
    private KeyValueStore<String, String> deadlines;
    private PipelineMetrics.StoreCounts counts;

    PipelineProcessor(SchedulerConfig config, Topics topics, PipelineMetrics metrics, Clock clock) {
        this.config = config;
        this.topic = topics.pipelines().name();
        this.pipelines = topics.pipelines().valueSerde().deserializer();
        this.pipelineBytes = topics.pipelines().valueSerde().serializer();
        this.validator = new RequestValidator(config.requestLimits());
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.runs = context.getStateStore(PipelineTopology.STORE);
        this.deadlines = context.getStateStore(PipelineTopology.DEADLINES_STORE);
        List<PipelineState> states = new ArrayList<>();
        try (KeyValueIterator<String, PipelineRun> all = runs.all()) {
            all.forEachRemaining(entry -> states.add(entry.value.getState()));
        }
        this.counts = metrics.store(context.taskId(), states);
        context.schedule(config.delayCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::expire);
    }

    @Override
    public void process(Record<Object, Object> record) {
        Instant now = clock.instant();
        if (record.value() instanceof TaskStatus status) {
            PipelineRun run = runs.get((String) record.key());
            if (run != null) {
                apply(run, PipelineMachine.status(run, status, now), now);
            }
            return;
        }
        submitted(record, now);
    }

    private void submitted(Record<Object, Object> record, Instant now) {
        byte[] key = (byte[]) record.key();
        if (key == null) {
            SourceLetters.send(context, record, DeadLetterReason.UNDECODABLE,
                "A pipeline record needs the pipeline id as its key", PipelineTopology.DEAD_LETTER_SINK, now);
            return;
        }
        if (record.value() == null) {
            return; // a tombstone: the topic forgets the submission; the pipeline's state stays
        }
        String id = new String(key, StandardCharsets.UTF_8);
        RecordMetadata source = context.recordMetadata().orElseThrow();
        Pipeline pipeline;
        try {
            pipeline = pipelines.deserialize(source.topic(), (byte[]) record.value());
        } catch (UndecodableRecordException e) {
            SourceLetters.send(context, record, e.reason(), e.getMessage(), PipelineTopology.DEAD_LETTER_SINK, now);
            return;
        }
        List<Violation> problems = new ArrayList<>();
        if (!id.equals(pipeline.getPipelineId())) {
            problems.add(new Violation("pipelineId", "must equal the record key '" + id + "', was '"
                + pipeline.getPipelineId() + "'"));
        }
        PipelineRun old = runs.get(id);
        if (old != null && problems.isEmpty()) {
            cancelOrRepeat(old, pipeline, now);
            return;
        }
        problems.addAll(PipelineRules.check(pipeline, validator, now));
        if (!problems.isEmpty()) {
            SourceLetters.send(context, record, DeadLetterReason.INVALID_REQUEST, "Invalid pipeline " + id + ": "
                + problems.stream().map(Violation::toString).collect(Collectors.joining("; ")),
                PipelineTopology.DEAD_LETTER_SINK, now);
            return;
        }
        LOG.info("Pipeline {} ({}) started: {} step(s)", id, pipeline.getName(), pipeline.getSteps().size());
        if (pipeline.getDeadline() != null) {
            deadlines.put(DueKeys.of(pipeline.getDeadline().toEpochMilli(), id), id);
        }
        metrics.started();
        apply(null, PipelineMachine.start(pipeline, now), now);
    }

    /** The same id again: a cancel if it carries one (the first), otherwise a repeat that changes nothing. */
    private void cancelOrRepeat(PipelineRun old, Pipeline again, Instant now) {
        String reason = again.getCancelRequested();
        if (reason == null || old.getPipeline().getCancelRequested() != null) {
            LOG.debug("Pipeline {} submitted again: a repeat, nothing changes", again.getPipelineId());
            return;
        }
        PipelineRun noted = PipelineRun.newBuilder(old).setPipeline(Pipeline.newBuilder(old.getPipeline())
            .setCancelRequested(reason).build()).build();
        apply(old, PipelineMachine.fail(noted, "cancelled: " + reason, now), now);
    }

    /** Every pipeline past its deadline fails; every one ended longer ago than the retention is forgotten. */
    void expire(long wallClockMs) {
        Instant now = Instant.ofEpochMilli(wallClockMs);
        List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> timer = deadlines.range(DueKeys.first(), DueKeys.last(wallClockMs))) {
            timer.forEachRemaining(due::add);
        }
        for (KeyValue<String, String> timer : due) {
            deadlines.delete(timer.key);
            String id = timer.key.substring(timer.key.indexOf('|') + 1);
            if (FORGET.equals(timer.value)) {
                PipelineRun forgotten = runs.delete(id);
                if (forgotten != null) {
                    counts.moved(forgotten.getState(), null);
                }
                continue;
            }
            PipelineRun run = runs.get(id);
            if (run != null) {
                apply(run, PipelineMachine.fail(run, "its deadline " + run.getPipeline().getDeadline() + " passed",
                    now), now);
            }
        }
    }

    /** Stores the step's run and sends what it asks for; a failed compensation is dead-lettered. */
    private void apply(PipelineRun old, PipelineMachine.Step step, Instant now) {
        PipelineRun run = step.run();
        String id = run.getPipeline().getPipelineId();
        runs.put(id, run);
        if (old == null || old.getState() != run.getState()) {
            counts.moved(old == null ? null : old.getState(), run.getState());
        }
        long at = now.toEpochMilli();
        for (TaskRequest request : step.submit()) {
            context.forward(new Record<>(request.getTaskId(), request, at), PipelineTopology.REQUESTS_SINK);
            if (old != null && !PipelineRuns.isUndo(request.getTaskId())) {
                lastDependencyEnd(run, PipelineRuns.stepOf(request.getTaskId()).orElseThrow())
                    .ifPresent(end -> metrics.stepDelay(Duration.between(end, now)));
            }
        }
        for (String taskId : step.cancel()) {
            TaskStatus cancel = TaskStatus.newBuilder().setTaskId(taskId).setAttempt(0)
                .setStatus(TaskStatusType.CANCEL_REQUESTED).setTimestamp(now)
                .setMessage("pipeline " + id + " failed: " + run.getFailure()).build();
            context.forward(new Record<>(taskId, cancel, at), PipelineTopology.CANCELS_SINK);
        }
        if (step.ended() && (old == null || old.getState() != run.getState())) {
            metrics.ended(run.getState());
            deadlines.put(DueKeys.of(now.plus(config.pipelinesRetention()).toEpochMilli(), id), FORGET);
        }
        if (old != null && old.getState() != run.getState()) {
            LOG.info("Pipeline {}: {} -> {}{}", id, old.getState(), run.getState(), run.getFailure() == null ? ""
                : " (" + run.getFailure() + ")");
        }
        if (run.getState() == PipelineState.COMPENSATION_FAILED
                && (old == null || old.getState() != PipelineState.COMPENSATION_FAILED)) {
            deadLetter(run, now);
        }
    }

    @Override
    public void close() {
        metrics.storeGone(context.taskId());
    }

    /** When the last of {@code step}'s dependencies succeeded; empty for a step without any. */
    private static Optional<Instant> lastDependencyEnd(PipelineRun run, String step) {
        List<String> dependencies = PipelineGraph.of(run.getPipeline()).dependencies(step);
        return run.getSteps().stream().filter(s -> dependencies.contains(s.getName()) && s.getEndedAt() != null)
            .map(PipelineStepRun::getEndedAt).max(Instant::compareTo);
    }

    private void deadLetter(PipelineRun run, Instant now) {
        Pipeline pipeline = run.getPipeline();
        Map<String, String> states = new HashMap<>();
        run.getSteps().forEach(s -> states.put(s.getName(), s.getState().name()));
        String message = "Pipeline " + pipeline.getPipelineId() + " could not be undone: " + run.getFailure()
            + System.lineSeparator() + PipelineGraph.of(pipeline).draw(states::get);
        byte[] key = pipeline.getPipelineId().getBytes(StandardCharsets.UTF_8);
        DeadLetter letter = DeadLetters.build(DeadLetters.of(DeadLetterReason.COMPENSATION_FAILED, message, topic, -1,
            -1, key, pipelineBytes.serialize(topic, pipeline), new RecordHeaders()), Wire.PRODUCED_BY_SCHEDULER, now);
        LOG.error("{}", message);
        context.forward(new Record<>(key, letter, now.toEpochMilli()), PipelineTopology.DEAD_LETTER_SINK);
    }
}
