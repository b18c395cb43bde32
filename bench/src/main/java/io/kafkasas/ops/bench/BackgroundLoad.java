package io.kafkasas.ops.bench;

import io.kafkasas.client.TaskClient;
import java.util.concurrent.atomic.AtomicLong;

/** No-op tasks submitted at a steady rate on a thread of its own, for as long as a measurement runs. */
final class BackgroundLoad implements AutoCloseable {

    private final TaskClient client;
    private final int rate;
    private final AtomicLong sent = new AtomicLong();
    private final Thread thread;
    private final long startNanos = System.nanoTime();
    private volatile boolean stopped;
    private long endNanos;

    /** Starts submitting {@code rate} no-op tasks per second; 0 submits nothing. */
    BackgroundLoad(TaskClient client, int rate) {
        this.client = client;
        this.rate = rate;
        this.thread = new Thread(this::run, "background-load");
        this.thread.setDaemon(true);
        if (rate > 0) {
            thread.start();
        }
    }

    private void run() {
        for (long i = 0; !stopped; i++) {
            Pacing.awaitDue(startNanos, i, rate);
            client.submit(TaskClient.request("noop").build());
            sent.incrementAndGet();
        }
    }

    /** The tasks per second submitted, over the whole run. */
    double achievedRate() {
        long end = endNanos > 0 ? endNanos : System.nanoTime();
        return sent.get() / ((end - startNanos) / 1e9);
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join();
        endNanos = System.nanoTime();
        client.flush();
    }
}
