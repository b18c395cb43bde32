package io.kafkasas.app;

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
     * ports, so their ids differ. With port 0 (any free port) the member stays dynamic.
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
     * Closes Streams and, unless the instance is a static member, leaves its group. Streams by default stays in the
     * group on close, so the instance that replaces it (a new member) waited out the whole session timeout (45 s by
     * default) before it got the partitions: a restarted scheduler emitted nothing for that long. A static member
     * ({@code group.instance.id}) keeps its partitions across a quick restart and must not leave.
     */
    public static void close(KafkaStreams streams, Map<String, Object> streamsProperties, Duration timeout) {
        streams.close(CloseOptions.timeout(timeout).withGroupMembershipOperation(isStaticMember(streamsProperties)
            ? GroupMembershipOperation.REMAIN_IN_GROUP : GroupMembershipOperation.LEAVE_GROUP));
    }
}
