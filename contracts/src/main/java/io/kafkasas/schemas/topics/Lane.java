package io.kafkasas.schemas.topics;

/**
 * A queue's tasks by priority band, each band a topic of its own: a task's priority above 0 puts it in the high
 * lane, below 0 in the low lane, 0 (the default) in the normal lane, the queue's own topic. An agent reads its
 * queues' lanes together and starts the highest first (with a share kept for the lower ones: no lane starves). A
 * lane of its own is what lets an urgent task pass a backlog: within one partition Kafka gives records in order only.
 */
public enum Lane {
    HIGH(".high"),
    NORMAL(""),
    LOW(".low");

    private final String suffix;

    Lane(String suffix) {
        this.suffix = suffix;
    }

    /** The lane of a task of this priority. */
    public static Lane of(int priority) {
        return priority > 0 ? HIGH : priority < 0 ? LOW : NORMAL;
    }

    /** What the lane adds to its queue's topic name. */
    public String suffix() {
        return suffix;
    }
}
