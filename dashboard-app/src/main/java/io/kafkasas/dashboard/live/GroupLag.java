package io.kafkasas.dashboard.live;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The consumer lag of the agents' group: for each partition it has committed, the records written after its
 * commit; summed per topic (one per queue and lane). Two admin calls, however many tasks there are.
 */
public final class GroupLag implements AutoCloseable {

    private static final long TIMEOUT_MS = 5_000;
    private final Admin admin;
    private final String group;

    public GroupLag(Map<String, Object> adminProperties, String group) {
        Map<String, Object> props = new HashMap<>(adminProperties);
        // an overview refresh waits for no call longer than this
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS);
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS);
        this.admin = Admin.create(props);
        this.group = group;
    }

    public String group() {
        return group;
    }

    /** Records not yet taken by the group, per topic, and {@code total}; empty while the group has committed none. */
    public Map<String, Long> now() throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        committed.values().removeIf(o -> o == null);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(committed.keySet()
                .stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
            .all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        Map<String, Long> byTopic = new TreeMap<>();
        committed.forEach((partition, offset) -> byTopic.merge(partition.topic(),
            Math.max(0, ends.get(partition).offset() - offset.offset()), Long::sum));
        Map<String, Long> lag = new LinkedHashMap<>();
        lag.put("total", byTopic.values().stream().mapToLong(Long::longValue).sum());
        lag.putAll(byTopic);
        return lag;
    }

    @Override
    public void close() {
        admin.close();
    }
}
