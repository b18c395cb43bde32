package io.kafkasas.schemas.requests;

import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.avro.TaskRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Decides whether a task request may become a task. The same checks run on every path (Kafka, HTTP, the Java
 * client), and every violation is reported, not just the first. The scheduler checks against its configured
 * limits; the Java client checks the same rules without them (it cannot know them), so what it refuses the
 * scheduler would refuse too.
 */
public final class RequestValidator {

    /**
     * The scheduler's limits on a request: its queues, the task types its agents handle (empty: any), and the
     * largest payload, delay, timeout and attempts.
     */
    public record Limits(Set<String> queues, Set<String> types, int maxPayloadBytes, long maxDelayMs,
                         long maxExecutionTimeoutMs, int maxAttemptsLimit) {

        /** Only the queues: every other limit is left to the scheduler. */
        public static Limits queuesOnly(Collection<String> queues) {
            return new Limits(Set.copyOf(queues), Set.of(), Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
                Integer.MAX_VALUE);
        }
    }

    /** Ids and keys end up in record keys, logs and URLs: keep them printable and short. A task id is a URL path
     * segment ({@code /tasks/{id}/cancel}), so it has no {@code /}. */
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9._:@+=-]{1,200}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,200}");
    /** Header names as HTTP and trace context write them. */
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    /** Printable text without control characters; headers, submitter and media type are logged and shown. */
    private static final Pattern TEXT = Pattern.compile("[^\\p{Cntrl}]*");
    private static final int MAX_HEADERS = 64;
    private static final int MAX_HEADER_CHARS = 1024;
    private static final int MAX_LABEL_CHARS = 200;
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    /** Past this a second retry already waits the maximum interval: a larger one is a mistake. */
    private static final double MAX_COEFFICIENT = 100.0;

    private final Set<String> queues;
    private final Set<String> types;
    private final int maxPayloadBytes;
    private final long maxDelayMs;
    private final long maxExecutionTimeoutMs;
    private final int maxAttemptsLimit;

    public RequestValidator(Limits limits) {
        this.queues = new TreeSet<>(limits.queues());
        this.types = new TreeSet<>(limits.types());
        this.maxPayloadBytes = limits.maxPayloadBytes();
        this.maxDelayMs = limits.maxDelayMs();
        this.maxExecutionTimeoutMs = limits.maxExecutionTimeoutMs();
        this.maxAttemptsLimit = limits.maxAttemptsLimit();
    }

    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** Every violation of {@code request} at time {@code now}; empty when it is valid. */
    public List<Violation> check(TaskRequest request, Instant now) {
        List<Violation> problems = new ArrayList<>();
        if (!TYPE.matcher(request.getType()).matches()) {
            problems.add(new Violation("type", "must be 1-100 characters of A-Z a-z 0-9 . _ -, was '"
                + abbreviate(request.getType()) + "'"));
        } else if (!types.isEmpty() && !types.contains(request.getType())) {
            problems.add(new Violation("type", "no agent handles type '" + request.getType() + "'; the agents"
                + " handle " + types));
        }
        if (!queues.contains(request.getQueue())) {
            problems.add(new Violation("queue", "unknown queue '" + abbreviate(request.getQueue())
                + "'; known queues: " + queues));
        }
        if (request.getTaskId() != null && !isTaskId(request.getTaskId())) {
            problems.add(new Violation("taskId", "must be 1-200 characters of A-Z a-z 0-9 . _ : @ + = -, was '"
                + abbreviate(request.getTaskId()) + "'"));
        }
        String key = request.getIdempotencyKey();
        if (key != null && !KEY.matcher(key).matches()) {
            problems.add(new Violation("idempotencyKey", "must be 1-200 characters of A-Z a-z 0-9 . _ : @ / + = -,"
                + " was '" + abbreviate(key) + "'"));
        }
        if (request.getLimitKey() != null && !io.kafkasas.schemas.Limits.isDeclaredKey(request.getLimitKey())) {
            problems.add(new Violation("limitKey", "must be 1-100 characters of A-Z a-z 0-9 . _ -, was '"
                + abbreviate(request.getLimitKey()) + "'"));
        }
        checkLabel(problems, "submittedBy", request.getSubmittedBy());
        checkLabel(problems, "contentType", request.getContentType());
        checkHeaders(problems, request.getHeaders());
        int payload = request.getPayload().remaining();
        if (payload > maxPayloadBytes) {
            problems.add(new Violation("payload", "is " + payload + " bytes, over the limit of " + maxPayloadBytes));
        }
        Long timeout = request.getExecutionTimeoutMs();
        if (timeout != null && (timeout <= 0 || timeout > maxExecutionTimeoutMs)) {
            problems.add(new Violation("executionTimeoutMs", "must be " + range(1, maxExecutionTimeoutMs, "") + ", was "
                + timeout));
        }
        checkTimes(problems, request, now);
        if (request.getRetryPolicy() != null) {
            checkRetryPolicy(problems, request.getRetryPolicy());
        }
        return problems;
    }

    /** Whether {@code id} may name a task (a request's task id, or one given to cancel). */
    public static boolean isTaskId(String id) {
        return TASK_ID.matcher(id).matches();
    }

    private static void checkLabel(List<Violation> problems, String field, String value) {
        if (value != null && (value.length() > MAX_LABEL_CHARS || !TEXT.matcher(value).matches())) {
            problems.add(new Violation(field, "must be at most " + MAX_LABEL_CHARS + " characters, none of them"
                + " control characters; was " + value.length() + " characters"));
        }
    }

    private static void checkHeaders(List<Violation> problems, Map<String, String> headers) {
        if (headers.size() > MAX_HEADERS) {
            problems.add(new Violation("headers", "at most " + MAX_HEADERS + ", were " + headers.size()));
            return;
        }
        headers.forEach((name, value) -> {
            if (!HEADER_NAME.matcher(name).matches()) {
                problems.add(new Violation("headers", "a name must be 1-100 characters of A-Z a-z 0-9 . _ -, was '"
                    + abbreviate(name) + "'"));
            } else if (value.length() > MAX_HEADER_CHARS || !TEXT.matcher(value).matches()) {
                problems.add(new Violation("headers." + name, "must be at most " + MAX_HEADER_CHARS + " characters,"
                    + " none of them control characters"));
            }
        });
    }

    private void checkTimes(List<Violation> problems, TaskRequest request, Instant now) {
        Instant deadline = request.getDeadline();
        Instant notBefore = request.getNotBefore();
        if (deadline != null && !deadline.isAfter(now)) {
            problems.add(new Violation("deadline", "is " + deadline + ", not in the future (now " + now + ")"));
        }
        if (notBefore != null && notBefore.isAfter(now.plusMillis(maxDelayMs))) {
            problems.add(new Violation("notBefore", "is " + notBefore + ", more than " + maxDelayMs
                + " ms ahead (scheduler.max.delay.ms)"));
        }
        if (notBefore != null && deadline != null && !notBefore.isBefore(deadline)) {
            problems.add(new Violation("notBefore", "is " + notBefore + ", not before the deadline " + deadline));
        }
    }

    private void checkRetryPolicy(List<Violation> problems, RetryPolicy policy) {
        if (policy.getMaxAttempts() < 1 || policy.getMaxAttempts() > maxAttemptsLimit) {
            problems.add(new Violation("retryPolicy.maxAttempts", "must be " + range(1, maxAttemptsLimit, "")
                + ", was " + policy.getMaxAttempts()));
        }
        // a retry waits like a delayed task: no longer than scheduler.max.delay.ms
        if (policy.getInitialIntervalMs() < 1 || policy.getInitialIntervalMs() > maxDelayMs) {
            problems.add(new Violation("retryPolicy.initialIntervalMs", "must be "
                + range(1, maxDelayMs, " (scheduler.max.delay.ms)") + ", was " + policy.getInitialIntervalMs()));
        }
        if (!(policy.getBackoffCoefficient() >= 1.0 && policy.getBackoffCoefficient() <= MAX_COEFFICIENT)) {
            problems.add(new Violation("retryPolicy.backoffCoefficient", "must be between 1.0 and " + MAX_COEFFICIENT
                + ", was " + policy.getBackoffCoefficient()));
        }
        if (policy.getMaxIntervalMs() < policy.getInitialIntervalMs() || policy.getMaxIntervalMs() > maxDelayMs) {
            problems.add(new Violation("retryPolicy.maxIntervalMs", "must be "
                + range(policy.getInitialIntervalMs(), maxDelayMs, " (scheduler.max.delay.ms)")
                + " (at least initialIntervalMs), was " + policy.getMaxIntervalMs()));
        }
    }

    /** "between min and max", or "at least min" when there is no upper limit here (the client's checks). */
    private static String range(long min, long max, String maxSetting) {
        boolean unbounded = max == Long.MAX_VALUE || max == Integer.MAX_VALUE;
        return unbounded ? "at least " + min : "between " + min + " and " + max + maxSetting;
    }

    private static String abbreviate(String value) {
        return value.length() <= 60 ? value : value.substring(0, 57) + "...";
    }
}
