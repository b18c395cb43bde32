package io.kafkasas.ctl;

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
    /** A defect in sasctl or an unexpected answer: the message says what. */
    public static final int SOFTWARE = 70;

    /** For {@code --help}. */
    static final String[] LIST = {
        "0:success", "1:the task ended other than SUCCEEDED, or some dead letters were not replayed",
        "2:bad command line or settings", "3:a topic is missing or differs from the plan", "4:not found",
        "5:Kafka, the schema registry or an app is unreachable or not ready",
        "6:the scheduler refused the request as invalid", "7:timed out waiting for the task to end",
        "70:unexpected error (run again with --verbose for the stack trace)"};

    private ExitCodes() {
    }
}
