package io.kafkasas.dashboard.live;

import io.kafkasas.ctl.deadletters.DeadLetterLog;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The newest dead letters, kept in memory as the topic watch reads them, and how many were read in all. A page is
 * read newest first, from the newest or from before a given letter, until it is full: no store is scanned past it.
 */
public final class DeadLetterShelf {

    private final int kept;
    private final Deque<DeadLetterLog.Entry> entries = new ArrayDeque<>();
    private long total;

    public DeadLetterShelf(int kept) {
        this.kept = kept;
    }

    public synchronized void add(DeadLetterLog.Entry entry) {
        entries.addLast(entry);
        total++;
        if (entries.size() > kept) {
            entries.removeFirst();
        }
    }

    /** Dead letters read since the dashboard started (from the beginning of the topic's retention). */
    public synchronized long total() {
        return total;
    }

    /** Up to {@code limit} letters that match, newest first, from just before the one at {@code before} (or null). */
    public synchronized List<DeadLetterLog.Entry> page(Predicate<DeadLetterLog.Entry> matching, String before,
                                                       int limit) {
        List<DeadLetterLog.Entry> page = new ArrayList<>();
        boolean started = before == null;
        for (Iterator<DeadLetterLog.Entry> newest = entries.descendingIterator(); newest.hasNext()
            && page.size() < limit; ) {
            DeadLetterLog.Entry entry = newest.next();
            if (!started) {
                started = entry.at().equals(before);
            } else if (matching.test(entry)) {
                page.add(entry);
            }
        }
        return page;
    }

    /** The letter at {@code at} ({@code partition:offset}), if still kept. */
    public synchronized Optional<DeadLetterLog.Entry> at(String at) {
        return entries.stream().filter(e -> e.at().equals(at)).findFirst();
    }
}
