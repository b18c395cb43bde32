package io.kafkasas.app.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class IdleCommitsTest {

    private IdleCommits commits;

    /** The interceptor as Kafka Streams configures its main consumer. */
    private IdleCommits.PollCounter installed(Duration spacing) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        commits = IdleCommits.install(props, spacing);
        Map<String, Object> main = new StreamsConfig(props).getMainConsumerConfigs("group", "client", 0);
        assertThat(main.get(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG))
            .isEqualTo(IdleCommits.PollCounter.class.getName());
        IdleCommits.PollCounter counter = new IdleCommits.PollCounter();
        counter.configure(main);
        return counter;
    }

    private static ConsumerRecords<Object, Object> records(int count) {
        TopicPartition partition = new TopicPartition("requests", 0);
        List<ConsumerRecord<Object, Object>> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(new ConsumerRecord<>("requests", 0, i, null, null));
        }
        return new ConsumerRecords<>(Map.of(partition, list), Map.of());
    }

    @Test
    void shouldAskForTheCommitAfterTheLastRecordOfEachPollOnly() {
        IdleCommits.PollCounter counter = installed(Duration.ZERO);

        counter.onConsume(records(3));
        assertThat(List.of(commits.handledLast(), commits.handledLast(), commits.handledLast()))
            .containsExactly(false, false, true);
        assertThat(commits.handledLast()).isFalse(); // a record beyond the poll's: the interval commits it

        counter.onConsume(records(1)); // each poll counts afresh
        assertThat(commits.handledLast()).isTrue();
    }

    @Test
    void shouldLeaveACommitDueUntilTheSpacingHasPassed() {
        IdleCommits.PollCounter counter = installed(Duration.ofMillis(300));
        counter.onConsume(records(1));
        assertThat(commits.handledLast()).isTrue(); // after a quiet spell: at once

        counter.onConsume(records(1));
        assertThat(commits.handledLast()).isFalse();
        assertThat(commits.due()).isFalse();
        await().pollInSameThread().atMost(Duration.ofSeconds(5)).until(commits::due); // state is per thread
        assertThat(commits.due()).isFalse(); // made once
    }

    @Test
    void shouldNeverAskWhenOff() {
        IdleCommits off = IdleCommits.off();
        off.polled(1);
        assertThat(off.handledLast()).isFalse();
    }

    @Test
    void shouldCountEachStreamThreadApart() throws Exception {
        IdleCommits.PollCounter counter = installed(Duration.ZERO);
        counter.onConsume(records(2));

        boolean otherThread = CompletableFuture.supplyAsync(() -> {
            counter.onConsume(records(1));
            return commits.handledLast();
        }).get();

        assertThat(otherThread).isTrue();
        assertThat(List.of(commits.handledLast(), commits.handledLast())).containsExactly(false, true);
    }
}
