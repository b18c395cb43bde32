package io.kafkasas.schemas.serde;

import io.kafkasas.avro.AgentCommand;
import io.kafkasas.avro.AgentCommandType;
import io.kafkasas.avro.AgentDeath;
import io.kafkasas.avro.AgentHeartbeat;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.HostHeartbeat;
import io.kafkasas.avro.Limit;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.schemas.Limits;
import io.kafkasas.schemas.requests.Violation;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What every reader asks of a decoded record before it acts on it: a value, a key that names what the value is
 * about (records are partitioned by that key, so a stranger key would put the record beside the wrong state), and
 * no field that no writer of ours writes. A failed check throws {@link UnprocessableRecordException}: the reader
 * dead-letters the record. Symbols a newer writer adds to an enum read as {@code UNKNOWN} and pass: readers
 * ignore what they do not know.
 */
public final class RecordChecks {

    private RecordChecks() {
    }

    /** {@code value}, read under {@code key} from {@code topic}, if it passes; otherwise throws. */
    public static <V> V check(String topic, String key, V value) {
        if (value == null) {
            throw new UnprocessableRecordException(DeadLetterReason.UNDECODABLE, "The record on " + topic
                + " has no value (a tombstone); its readers need one");
        }
        String about = key;
        if (value instanceof TaskEvent e) {
            require(e.getAttempt() >= 1, topic, "attempt " + e.getAttempt() + " (attempts count from 1)");
            about = e.getTaskId();
        } else if (value instanceof TaskStatus s) {
            require(s.getAttempt() >= 0, topic, "attempt " + s.getAttempt() + " (0 for intake, then from 1)");
            about = s.getTaskId();
        } else if (value instanceof AgentHeartbeat h) {
            require(h.getCapacity() >= 0 && h.getFreeSlots() >= 0, topic, "capacity " + h.getCapacity()
                + " and free slots " + h.getFreeSlots() + " (neither may be negative)");
            about = h.getAgentId();
        } else if (value instanceof AgentCommand c) {
            require(c.getType() != AgentCommandType.CANCEL_TASK || c.getTaskId() != null, topic,
                "a CANCEL_TASK command with no task id");
            about = c.getAgentId();
        } else if (value instanceof AgentDeath d) {
            require(d.getIncarnation() >= 0, topic, "incarnation " + d.getIncarnation() + " (never negative)");
            about = d.getAgentId();
        } else if (value instanceof HostHeartbeat h) {
            about = h.getHostId();
        } else if (value instanceof Limit l) {
            List<Violation> problems = Limits.check(l);
            require(problems.isEmpty(), topic, "an invalid limit: " + problems.stream().map(Violation::toString)
                .collect(Collectors.joining("; ")));
            about = l.getKey();
        }
        if (!Objects.equals(key, about)) {
            throw new UnprocessableRecordException(DeadLetterReason.UNPROCESSABLE, "The record on " + topic
                + " has key " + quote(key) + " but is about " + quote(about) + "; the key must name it");
        }
        return value;
    }

    /**
     * {@code event}, read under {@code key} from the limited tasks, if it passes: there the key is the limit key the
     * task counts against, not its id.
     */
    public static TaskEvent checkLimited(String topic, String key, TaskEvent event) {
        if (event == null) {
            throw new UnprocessableRecordException(DeadLetterReason.UNDECODABLE, "The record on " + topic
                + " has no value (a tombstone); its readers need one");
        }
        require(event.getAttempt() >= 1, topic, "attempt " + event.getAttempt() + " (attempts count from 1)");
        if (key == null || !key.equals(event.getLimitKey()) || !Limits.isKey(key)) {
            throw new UnprocessableRecordException(DeadLetterReason.UNPROCESSABLE, "The record on " + topic
                + " has key " + quote(key) + " but counts against limit " + quote(event.getLimitKey())
                + "; the key must name a valid limit key, the task's");
        }
        return event;
    }

    private static void require(boolean holds, String topic, String what) {
        if (!holds) {
            throw new UnprocessableRecordException(DeadLetterReason.UNPROCESSABLE, "The record on " + topic
                + " has " + what);
        }
    }

    private static String quote(String s) {
        return s == null ? "(none)" : "'" + (s.length() > 60 ? s.substring(0, 57) + "..." : s) + "'";
    }
}
