package io.kafkasas.app;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per client address: {@code rate} requests a second, in bursts of up to twice that. One client
 * that floods an app is answered 429 while the others are served.
 */
public final class ClientRateLimit {

    /** Past this many clients remembered, those idle for a few seconds (their buckets full again) are forgotten. */
    private static final int MAX_CLIENTS = 10_000;
    private static final long IDLE_NANOS = 5_000_000_000L;

    private final double rate;
    private final double burst;
    private final Map<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

    public ClientRateLimit(int rate) {
        this.rate = rate;
        this.burst = 2.0 * rate;
    }

    /** Whether {@code client} may make one more request now. */
    public boolean allow(InetAddress client, long nowNanos) {
        if (buckets.size() > MAX_CLIENTS) {
            buckets.values().removeIf(b -> b.idleSince(nowNanos) > IDLE_NANOS);
        }
        return buckets.computeIfAbsent(client, c -> new Bucket(burst, nowNanos)).take(rate, burst, nowNanos);
    }

    /** Tokens left and when they were last counted. */
    private static final class Bucket {

        private double tokens;
        private long countedAt;

        Bucket(double tokens, long countedAt) {
            this.tokens = tokens;
            this.countedAt = countedAt;
        }

        synchronized boolean take(double rate, double burst, long nowNanos) {
            tokens = Math.min(burst, tokens + rate * (nowNanos - countedAt) / 1e9);
            countedAt = nowNanos;
            if (tokens < 1) {
                return false;
            }
            tokens--;
            return true;
        }

        synchronized long idleSince(long nowNanos) {
            return nowNanos - countedAt;
        }
    }
}
