package io.kafkasas.kafka;

import java.util.Map;
import java.util.TreeMap;

/**
 * Broker settings for small local clusters (tests, the local stack), each one measured to matter on a
 * one-node KRaft cluster: see docs/local-kafka.md.
 */
public final class BrokerDefaults {

    private BrokerDefaults() {
    }

    /** The settings for a cluster of {@code nodes} nodes; internal topics replicate as far as the nodes allow. */
    public static Map<String, String> forCluster(int nodes) {
        String replication = Integer.toString(Math.min(nodes, 3));
        String minIsr = Integer.toString(Math.min(nodes, 2));
        Map<String, String> p = new TreeMap<>();
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        // without these a one-node cluster never finishes a group join or "initialize transactions"
        p.put("offsets.topic.replication.factor", replication);
        p.put("transaction.state.log.replication.factor", replication);
        p.put("transaction.state.log.min.isr", minIsr);
        // the defaults of 50 partitions each make start-up and restarts slow
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.num.partitions", "3");
        // every group would otherwise wait 3 s before its first assignment
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.streams.initial.rebalance.delay.ms", "0");
        // let tests and the supervisor's agents fail over quickly under the new consumer protocol (KIP-848)
        p.put("group.consumer.min.session.timeout.ms", "1000");
        p.put("group.consumer.min.heartbeat.interval.ms", "250");
        // the agents' group: a dead agent's partitions move to the others within the supervisor's detection bound
        p.put("group.consumer.session.timeout.ms", "5000");
        p.put("group.consumer.heartbeat.interval.ms", "1000");
        // abort a killed producer's open transaction soon after its timeout (default: checked every 10 s)
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        // a transaction begun right after the previous one's commit waits for its markers, polled every 20 ms by
        // default: every exactly-once hop (scheduler, agents, supervisor) paid up to 20-40 ms for it (Kafka 4.4)
        p.put("add.partitions.to.txn.retry.backoff.ms", "1");
        p.put("group.streams.min.session.timeout.ms", "1000");
        p.put("group.streams.min.heartbeat.interval.ms", "250");
        p.put("num.partitions", "6");
        p.put("default.replication.factor", replication);
        p.put("min.insync.replicas", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
        p.put("socket.request.max.bytes", Integer.toString(100 * 1024 * 1024));
        p.put("unstable.api.versions.enable", "false");
        p.put("share.coordinator.state.topic.replication.factor", replication);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        return p;
    }
}
