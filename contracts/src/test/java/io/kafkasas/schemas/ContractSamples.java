package io.kafkasas.schemas;

import io.kafkasas.avro.AgentCommand;
import io.kafkasas.avro.AgentCommandType;
import io.kafkasas.avro.AgentHeartbeat;
import io.kafkasas.avro.AttemptRecord;
import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.EmitReason;
import io.kafkasas.avro.HostHeartbeat;
import io.kafkasas.avro.HostSlot;
import io.kafkasas.avro.HostSlotState;
import io.kafkasas.avro.HostState;
import io.kafkasas.avro.InFlightTask;
import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.avro.Schedule;
import io.kafkasas.avro.TaskError;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One fully populated instance of every contract (optional fields set too), for round-trip tests. */
public final class ContractSamples {

    static {
        Contracts.trust(); // builders resolve enum defaults, which loads contract classes through Avro
    }

    public static final Instant NOW = Instant.parse("2026-11-27T12:00:00.123Z").truncatedTo(ChronoUnit.MILLIS);

    private ContractSamples() {
    }

    public static TaskRequest taskRequest() {
        return TaskRequest.newBuilder()
            .setIdempotencyKey("order-42").setTaskId("t-1").setQueue("default").setType("shell")
            .setPayload(bytes("{\"cmd\":\"echo\"}")).setContentType("application/json").setPriority(5)
            .setExecutionTimeoutMs(30_000L).setDeadline(NOW.plusSeconds(3600)).setNotBefore(NOW.plusSeconds(60))
            .setRetryPolicy(retryPolicy()).setSubmittedAt(NOW).setSubmittedBy("billing")
            .setHeaders(Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"))
            .build();
    }

    public static RetryPolicy retryPolicy() {
        return RetryPolicy.newBuilder().setInitialIntervalMs(500).setBackoffCoefficient(2.0).setMaxIntervalMs(10_000)
            .setMaxAttempts(4).setNonRetryableErrorTypes(List.of("validation")).build();
    }

    public static TaskEvent taskEvent() {
        return TaskEvent.newBuilder()
            .setTaskId("t-1").setAttempt(2).setIdempotencyKey("order-42").setQueue("default").setType("shell")
            .setPayload(bytes("{}")).setContentType("application/json").setPriority(5).setExecutionTimeoutMs(30_000L)
            .setDeadline(NOW.plusSeconds(3600)).setRetryPolicy(retryPolicy()).setSubmittedAt(NOW)
            .setEmittedAt(NOW.plusMillis(5)).setEmitReason(EmitReason.AGENT_DEAD).setHeaders(Map.of("k", "v"))
            .build();
    }

    public static TaskStatus taskStatus() {
        return TaskStatus.newBuilder()
            .setTaskId("t-1").setAttempt(2).setStatus(TaskStatusType.FAILED).setTimestamp(NOW).setAgentId("host-a-1")
            .setIncarnation(7L).setQueue("default").setType("shell").setProgressPercent(40).setMessage("exit 3")
            .setResult(bytes("partial")).setError(error()).setHeaders(Map.of())
            .build();
    }

    public static TaskError error() {
        return TaskError.newBuilder().setType("shell.exit").setMessage("exit code 3").setRetryable(true)
            .setDetail("stderr tail").build();
    }

    public static AgentHeartbeat heartbeat() {
        return AgentHeartbeat.newBuilder()
            .setAgentId("host-a-1").setHostId("host-a").setIncarnation(7).setSequence(99).setTimestamp(NOW)
            .setQueues(List.of("default")).setCapacity(8).setFreeSlots(7)
            .setInFlight(List.of(InFlightTask.newBuilder().setTaskId("t-1").setAttempt(2).setStartedAt(NOW)
                .setDeadline(NOW.plusSeconds(30)).build()))
            .setPid(4242L).setVersion("0.1.0")
            .build();
    }

    public static HostHeartbeat hostHeartbeat() {
        return HostHeartbeat.newBuilder().setHostId("host-a").setSequence(5).setTimestamp(NOW)
            .setState(HostState.RUNNING).setPid(4000L).setVersion("0.1.0")
            .setSlots(List.of(HostSlot.newBuilder().setSlot(1).setAgentId("host-a-1").setState(HostSlotState.RUNNING)
                .setIncarnation(7L).setPid(4242L).setStartedAt(NOW).setRestarts(2).setLastExitCode(-9)
                .setLastExitAt(NOW.minusSeconds(3)).setNextStartAt(null).build()))
            .build();
    }

    public static AgentCommand command() {
        return AgentCommand.newBuilder()
            .setCommandId("c-1").setAgentId("host-a-1").setType(AgentCommandType.CANCEL_TASK).setTargetIncarnation(7L)
            .setTaskId("t-1").setAttempt(2).setReason("deadline exceeded").setIssuedAt(NOW).setIssuedBy("supervisor-0")
            .build();
    }

    public static Schedule schedule() {
        return Schedule.newBuilder()
            .setScheduleId("nightly").setCron("0 3 * * *").setTimeZone("Europe/Berlin").setRequest(taskRequest())
            .setPaused(false).setStartAt(NOW).setEndAt(NOW.plusSeconds(86_400)).setUpdatedAt(NOW)
            .build();
    }

    public static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
            .setReason(DeadLetterReason.RETRIES_EXHAUSTED).setMessage("4 attempts failed").setSourceTopic("sas.tasks")
            .setSourcePartition(3).setSourceOffset(1234L).setOriginalKey(bytes("t-1")).setOriginalValue(bytes("x"))
            .setOriginalHeaders(Map.of("h", bytes("v"))).setTaskId("t-1")
            .setAttempts(List.of(AttemptRecord.newBuilder().setAttempt(1).setAgentId("host-a-1").setStartedAt(NOW)
                .setEndedAt(NOW.plusSeconds(1)).setOutcome(TaskStatusType.FAILED).setError(error()).build()))
            .setTask(taskEvent()).setProducedBy("supervisor").setTimestamp(NOW)
            .build();
    }

    /** Every contract, once. */
    public static List<SpecificRecord> all() {
        return List.of(taskRequest(), taskEvent(), taskStatus(), heartbeat(), hostHeartbeat(), command(), schedule(),
            deadLetter());
    }

    public static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
