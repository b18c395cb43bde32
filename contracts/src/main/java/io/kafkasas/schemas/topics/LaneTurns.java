package io.kafkasas.schemas.topics;

import java.util.Comparator;
import java.util.Map;

/**
 * Whose turn it is among the priority lanes that have work waiting: the highest lane's, except that every
 * {@code lowerEvery}-th turn goes to the lower lane whose first waiting item is the oldest, so that no lane starves
 * (a lower lane gets at least one turn in {@code lowerEvery} however busy the higher ones are). Agents take turns so
 * among the records they have read; the scheduler among the tasks a limit holds.
 */
public final class LaneTurns {

    private LaneTurns() {
    }

    /** The lane whose turn it is, and the new count of turns the top lane had in a row while a lower one waited. */
    public record Turn(Lane lane, int sinceLower) {
    }

    /**
     * {@code oldest}: for each lane with work waiting (at least one), how old its first item is as a number that
     * grows with arrival (a timestamp, a sequence); {@code sinceLower}: the top lane's turns in a row so far.
     */
    public static Turn next(Map<Lane, Long> oldest, int sinceLower, int lowerEvery) {
        Lane top = oldest.keySet().stream().min(Comparator.naturalOrder()).orElseThrow();
        if (oldest.size() == 1) {
            return new Turn(top, sinceLower);
        }
        if (sinceLower + 1 >= lowerEvery) {
            Lane lower = oldest.entrySet().stream().filter(e -> e.getKey() != top)
                .min(Map.Entry.comparingByValue()).orElseThrow().getKey();
            return new Turn(lower, 0);
        }
        return new Turn(top, sinceLower + 1);
    }
}
