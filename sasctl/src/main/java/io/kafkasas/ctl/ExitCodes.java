package io.kafkasas.ctl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** sasctl's exit codes, listed in {@code sasctl --help}; scripts may rely on them. */
public final class ExitCodes {

    public static final int OK = 0;
    /** The task ended other than SUCCEEDED, or some dead letters could not be replayed. */
    public static final int NOT_SUCCEEDED = 1;
    /** Bad command line or settings (picocli's own code for usage errors). */
    public static final int USAGE = 2;
    /** A topic is missing or differs from the plan. */
    public static final int TOPICS_DIFFER = 3;
    public static final int NOT_FOUND = 4;
    /** Kafka, the schema registry or an app did not answer, or is not ready. */
    public static final int UNAVAILABLE = 5;
    /** The scheduler refused the request as invalid. */
    public static final int REJECTED = 6;
    /** Waited the whole --timeout and the task had not ended. */
    public static final int TIMED_OUT = 7;
    /** An app refused sasctl's credential (401) or its token lacks the role (403). */
    public static final int NOT_ALLOWED = 8;
    /** A defect in sasctl or an unexpected answer: the message says what. */
    public static final int SOFTWARE = 70;

    /** What each code means, for {@code --help}. */
    static final Map<Integer, String> MEANINGS = meanings();

    private ExitCodes() {
    }

    private static Map<Integer, String> meanings() {
        Map<Integer, String> meanings = new LinkedHashMap<>();
        meanings.put(OK, "success");
        meanings.put(NOT_SUCCEEDED, "the task ended other than SUCCEEDED, or some dead letters were not replayed");
        meanings.put(USAGE, "bad command line or settings");
        meanings.put(TOPICS_DIFFER, "a topic is missing or differs from the plan");
        meanings.put(NOT_FOUND, "not found");
        meanings.put(UNAVAILABLE, "Kafka, the schema registry or an app is unreachable or not ready");
        meanings.put(REJECTED, "the scheduler refused the request as invalid");
        meanings.put(TIMED_OUT, "timed out waiting for the task to end");
        meanings.put(NOT_ALLOWED, "an app refused sasctl's token, or the token lacks the role");
        meanings.put(SOFTWARE, "unexpected error (run again with --verbose for the stack trace)");
        return Collections.unmodifiableMap(meanings);
    }
}
