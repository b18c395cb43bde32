package io.kafkasas.ops.chaos;

import java.util.concurrent.CompletableFuture;

/** One fault of a chaos run: what, on what, when (ms since the run began), and how long until detected or healed. */
record Fault(Kind kind, String target, long atMs, CompletableFuture<Long> detectedAfterMs) {

    /** What can go wrong. */
    enum Kind {
        KILL, STOP, SUPERVISOR, SUPERVISOR_KILL, SCHEDULER, SCHEDULER_KILL, BROKER, BROKER_PAUSE, POISON;

        /** Whether an app (or the broker) is restarted or paused, and the fault lasts until it is ready again. */
        boolean restarts() {
            return this != KILL && this != STOP && this != POISON;
        }
    }
}
