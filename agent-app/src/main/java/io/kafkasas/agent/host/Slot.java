package io.kafkasas.agent.host;

import io.kafkasas.app.ChildJvm;
import io.kafkasas.avro.HostSlot;
import io.kafkasas.avro.HostSlotState;
import java.time.Duration;
import java.time.Instant;

/**
 * One agent slot of a host and the process it runs now. Changed only on the host's thread; {@link #view} is the
 * snapshot others see.
 */
final class Slot {

    private final int number;
    private final String agentId;
    private final RestartBackoff backoff;
    private HostSlotState state = HostSlotState.STARTING;
    private ChildJvm process;
    private long incarnation;
    private Instant startedAt;
    private int restarts;
    private Integer lastExitCode;
    private Instant lastExitAt;
    private Instant nextStartAt;

    Slot(int number, String agentId, RestartBackoff backoff) {
        this.number = number;
        this.agentId = agentId;
        this.backoff = backoff;
    }

    int number() {
        return number;
    }

    String agentId() {
        return agentId;
    }

    HostSlotState state() {
        return state;
    }

    ChildJvm process() {
        return process;
    }

    long incarnation() {
        return incarnation;
    }

    /** The incarnation for the next start: its start time in ms, and always above the previous one. */
    long nextIncarnation(Instant now) {
        return Math.max(now.toEpochMilli(), incarnation + 1);
    }

    void started(ChildJvm child, long newIncarnation, Instant now) {
        process = child;
        incarnation = newIncarnation;
        startedAt = now;
        nextStartAt = null;
        state = HostSlotState.RUNNING;
    }

    /** Records the end of the running process; returns the wait before the next start (the back-off). */
    Duration ended(int exitCode, Instant now) {
        lastExitCode = exitCode;
        lastExitAt = now;
        process = null;
        Duration ranFor = startedAt == null ? Duration.ZERO : Duration.between(startedAt, now);
        Duration wait = backoff.afterExit(ranFor);
        nextStartAt = now.plus(wait);
        restarts++;
        state = HostSlotState.BACKING_OFF;
        return wait;
    }

    /** The process ended and will not be started again (the host stops, or another process owns the agent id). */
    void retired(Integer exitCode, Instant now) {
        if (exitCode != null) {
            lastExitCode = exitCode;
            lastExitAt = now;
        }
        process = null;
        nextStartAt = null;
        state = HostSlotState.STOPPED;
    }

    void stopping() {
        state = HostSlotState.STOPPING;
    }

    HostSlot view() {
        return HostSlot.newBuilder().setSlot(number).setAgentId(agentId).setState(state).setIncarnation(incarnation)
            .setPid(process == null ? null : process.pid()).setStartedAt(startedAt).setRestarts(restarts)
            .setLastExitCode(lastExitCode).setLastExitAt(lastExitAt).setNextStartAt(nextStartAt).build();
    }
}
