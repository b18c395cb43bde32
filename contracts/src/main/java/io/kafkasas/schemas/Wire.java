package io.kafkasas.schemas;

/**
 * The words kafka-sas writes into records, defined once: error types ({@code TaskError.type}), the names of the
 * apps in {@code producedBy} and {@code issuedBy}, and the HTTP credential's header. Readers (handlers, dashboards,
 * retry policies' lists of non-retryable types) match on them.
 */
public final class Wire {

    /** The attempt's agent was declared dead (or replaced) while it ran; retryable. */
    public static final String AGENT_DEAD_ERROR = "agent.dead";
    /** The attempt ran past its execution timeout or the task's deadline. */
    public static final String DEADLINE_ERROR = "deadline";
    /** The scheduler refused the request; the message lists every problem. */
    public static final String INVALID_REQUEST_ERROR = "invalid-request";
    public static final String PRODUCED_BY_SCHEDULER = "scheduler";
    public static final String PRODUCED_BY_SUPERVISOR = "supervisor";
    /** The HTTP header every API call but health carries: {@code Authorization: Bearer <token>}. */
    public static final String AUTHORIZATION = "Authorization";
    public static final String BEARER = "Bearer ";
    /** The dashboard's session cookie: the bearer token a person signed in with (HttpOnly, SameSite=Strict). */
    public static final String SESSION_COOKIE = "sas_session";
    /**
     * The header a browser's changing call (POST) carries besides the session cookie: another site's page cannot set
     * it without the dashboard's consent (CORS), so it cannot make a signed-in browser act.
     */
    public static final String CSRF_HEADER = "X-Sas-Dashboard";
    /** The request header of a schedule's run: the schedule's id (carried to every status of the task). */
    public static final String SCHEDULE_HEADER = "sas-schedule";
    /** The request header of a schedule's run: its slot, an ISO-8601 instant. */
    public static final String SCHEDULE_SLOT_HEADER = "sas-schedule-slot";
    /** The request header of a pipeline step's task (and its compensation's): the pipeline's id. */
    public static final String PIPELINE_HEADER = "sas-pipeline";
    /** The request header of a pipeline step's task: the step's name. */
    public static final String PIPELINE_STEP_HEADER = "sas-pipeline-step";

    private Wire() {
    }

    /** The {@value #AUTHORIZATION} header's value for {@code token}. */
    public static String bearer(String token) {
        return BEARER + token;
    }
}
