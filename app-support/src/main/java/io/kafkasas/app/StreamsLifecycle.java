package io.kafkasas.app;

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
     * Closes Streams and, unless the instance is a static member, leaves its group. Streams by default stays in the
     * group on close, so the instance that replaces it (a new member) waited out the whole session timeout (45 s by
     * default) before it got the partitions: a restarted scheduler emitted nothing for that long. A static member
     * ({@code group.instance.id}) keeps its partitions across a quick restart and must not leave.
     */
    public static void close(KafkaStreams streams, Map<String, Object> streamsProperties, Duration timeout) {
        boolean staticMember = streamsProperties.containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)
            || streamsProperties.containsKey(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))
            || streamsProperties.containsKey(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
        streams.close(CloseOptions.timeout(timeout).withGroupMembershipOperation(
            staticMember ? GroupMembershipOperation.REMAIN_IN_GROUP : GroupMembershipOperation.LEAVE_GROUP));
    }
}
