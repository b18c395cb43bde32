package io.kafkasas.app.streams;

import io.kafkasas.app.Health;
import io.kafkasas.app.HttpSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.StreamsConfig;

/** What the Kafka Streams apps (scheduler, supervisor) share about their Streams instance's life. */
public final class StreamsLifecycle {

    private StreamsLifecycle() {
    }

    /** Ready while it processes or rebalances; not live once Streams has stopped for good. */
    public static Health health(KafkaStreams streams) {
        State state = streams.state();
        boolean ready = state == State.RUNNING || state == State.REBALANCING;
        boolean live = state != State.ERROR && state != State.PENDING_ERROR && state != State.NOT_RUNNING;
        return new Health(ready, live, state.name());
    }

    /**
     * Makes the app a static member of its group when it listens on a fixed port and no {@code group.instance.id} is
     * set: {@code <application id>-<host name>-<port>}, which a process started again in its place (after
     * {@code kill -9}, or in the same container or pod) shares. It takes the partitions back at once, without a
     * rebalance and without waiting out the dead process's session (45 s). Two instances on one host listen on two
     * ports, so their ids differ. With port 0 (any free port) the member stays dynamic. The derived id goes to the
     * main consumer ({@code main.consumer.group.instance.id}); one the user sets as {@code group.instance.id} wins.
     */
    public static void staticMembership(Map<String, Object> props, String applicationId, HttpSettings http) {
        if (http.port() == 0 || isStaticMember(props)) {
            return;
        }
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
            applicationId + "-" + hostName() + "-" + http.port());
    }

    private static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static boolean isStaticMember(Map<String, Object> props) {
        return props.containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)
            || props.containsKey(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))
            || props.containsKey(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
    }

    /**
     * Closes Streams and leaves its group, unless the user chose a {@code group.instance.id} (a rolling restart under
     * the same id takes the partitions back). Streams by default stays in the group on close, so an instance that
     * replaces it under another id waited out the whole session timeout (45 s) before it got the partitions. The id
     * {@link #staticMembership} derives counts as not chosen: the next start may listen on other ports (the local
     * stack's do), and its first task then waited 41 s.
     */
    public static void close(KafkaStreams streams, Map<String, Object> streamsProperties, Duration timeout) {
        boolean chosen = streamsProperties.containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)
            || streamsProperties.containsKey(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
        streams.close(CloseOptions.timeout(timeout).withGroupMembershipOperation(chosen
            ? GroupMembershipOperation.REMAIN_IN_GROUP : GroupMembershipOperation.LEAVE_GROUP));
    }
}
