package io.kafkasas.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The token bucket on a clock of its own: a burst of twice the rate, then the rate, per client. */
class ClientRateLimitTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldAllowABurstOfTwiceTheRateThenTheRatePerClient() throws Exception {
        ClientRateLimit limit = new ClientRateLimit(10);
        InetAddress one = InetAddress.getByName("10.0.0.1");
        InetAddress two = InetAddress.getByName("10.0.0.2");

        assertThat(allowed(limit, one, 100, 0)).isEqualTo(20);
        assertThat(allowed(limit, two, 5, 0)).as("another client has its own bucket").isEqualTo(5);
        assertThat(allowed(limit, one, 100, SECOND / 2)).as("half a second refills half the rate").isEqualTo(5);
        assertThat(allowed(limit, one, 100, 10 * SECOND)).as("never more than the burst").isEqualTo(20);
    }

    private static int allowed(ClientRateLimit limit, InetAddress client, int tries, long at) {
        int allowed = 0;
        for (int i = 0; i < tries; i++) {
            allowed += limit.allow(client, at) ? 1 : 0;
        }
        return allowed;
    }
}
