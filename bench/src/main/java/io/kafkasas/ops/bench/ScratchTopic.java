package io.kafkasas.ops.bench;

import io.kafkasas.schemas.topics.PartitionsReady;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/** A fresh topic for one raw-Kafka measurement, ready to write to, and deleted when closed. */
final class ScratchTopic implements AutoCloseable {

    private final Admin admin;
    private final String name;

    private ScratchTopic(Admin admin, String name) {
        this.admin = admin;
        this.name = name;
    }

    static ScratchTopic create(Admin admin, String prefix, int partitions)
        throws ExecutionException, InterruptedException {
        String name = prefix + System.currentTimeMillis();
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        PartitionsReady.await(admin, List.of(name), Duration.ofSeconds(30));
        return new ScratchTopic(admin, name);
    }

    String name() {
        return name;
    }

    @Override
    public void close() throws ExecutionException, InterruptedException {
        admin.deleteTopics(List.of(name)).all().get();
    }
}
