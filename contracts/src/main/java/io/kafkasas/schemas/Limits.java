package io.kafkasas.schemas;

import io.kafkasas.avro.Limit;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.schemas.requests.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The limits' words, defined once. A limit is keyed by a name tasks declare ({@code limitKey}, e.g.
 * {@code billing-api}) or by {@code type:<type>} for every task of a type that declares none. A declared key has no
 * colon, so the two never meet.
 */
public final class Limits {

    /** The key of the limit of every task of a type: this, then the type. */
    public static final String TYPE_PREFIX = "type:";
    /** A key tasks may declare. */
    private static final Pattern DECLARED = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    /** Starts per second are at most this: beyond it a limit limits nothing an agent group can do. */
    public static final double MAX_RATE = 1_000_000;

    private Limits() {
    }

    /** The limit key of every task of {@code type}. */
    public static String ofType(String type) {
        return TYPE_PREFIX + type;
    }

    /** Whether a task may declare {@code key} as its limit key. */
    public static boolean isDeclaredKey(String key) {
        return DECLARED.matcher(key).matches();
    }

    /** Whether {@code key} may name a limit: a declared key, or {@code type:} and a type. */
    public static boolean isKey(String key) {
        return isDeclaredKey(key.startsWith(TYPE_PREFIX) ? key.substring(TYPE_PREFIX.length()) : key);
    }

    /** Whether {@code event} goes through a limit (and so through the scheduler's limited tasks). */
    public static boolean isLimited(TaskEvent event) {
        return event.getLimitKey() != null;
    }

    /** Every problem of {@code limit}; empty when it is valid. */
    public static List<Violation> check(Limit limit) {
        List<Violation> problems = new ArrayList<>();
        if (!isKey(limit.getKey())) {
            problems.add(new Violation("key", "must be 1-100 characters of A-Z a-z 0-9 . _ -, or type: and a task"
                + " type"));
        }
        Double rate = limit.getStartsPerSecond();
        if (rate != null && !(rate > 0 && rate <= MAX_RATE)) {
            problems.add(new Violation("startsPerSecond", "must be over 0 and at most " + (long) MAX_RATE + ", was "
                + rate));
        }
        Integer running = limit.getMaxRunning();
        if (running != null && running < 1) {
            problems.add(new Violation("maxRunning", "must be at least 1, was " + running));
        }
        if (rate == null && running == null) {
            problems.add(new Violation("startsPerSecond", "a limit needs startsPerSecond, maxRunning or both"));
        }
        return problems;
    }
}
