package io.kafkasas.testkit;

import java.util.concurrent.atomic.AtomicInteger;

/** Names no other test in this JVM uses: topics, prefixes, application ids and registry scopes. */
public final class UniqueNames {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String RUN = Long.toString(System.nanoTime() % 100_000, 36);

    private UniqueNames() {
    }

    /** {@code base} plus a suffix unique in this JVM, e.g. {@code orders-k3x-7}. */
    public static String of(String base) {
        return base + "-" + RUN + "-" + COUNTER.incrementAndGet();
    }

    /** A topic prefix ending in a dot, e.g. {@code t-k3x-8.}. */
    public static String topicPrefix() {
        return of("t") + ".";
    }
}
