package io.kafkasas.agent;

/** How an agent process ends; its exit code tells a host or a container runtime what to do next. */
public enum AgentExit {
    /** Stopped on request (SIGTERM): running tasks finished or were released. Restart only if wanted. */
    STOPPED(0),
    /** An unexpected error ended the agent loop. Restart it. */
    FAILED(1),
    /** The configuration is invalid. Restarting will not help; fix the settings. */
    INVALID_CONFIG(2),
    /** The supervisor sent RESTART: start a new incarnation (a container's restart policy does it). */
    RESTART_REQUESTED(3),
    /** Another process took over this agent id. Do not restart this one. */
    FENCED(4);

    private final int code;

    AgentExit(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
