package io.kafkasas.ops.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkasas.app.ChildJvm;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.kafka.KafkaCluster;
import io.kafkasas.ops.registry.LocalSchemaRegistryServer;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.scheduler.SchedulerMain;
import io.kafkasas.schemas.ScheduleRuns;
import io.kafkasas.schemas.topics.Topics;
import io.kafkasas.testkit.RealKafka;
import io.kafkasas.testkit.RecordCollector;
import io.kafkasas.testkit.TestAuth;
import io.kafkasas.testkit.TestKafka;
import io.kafkasas.testkit.TestTopics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules firing every 2 s on two scheduler processes. One is killed with SIGKILL, started again on its state, then
 * the other is killed: every slot from the first to the last fires exactly once (its request written once, its task
 * emitted once), none is missed, whichever process held the schedule when the slot came.
 */
@RealKafka
class ScheduleFailoverIT {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduleFailoverIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SCHEDULES = 12;
    private static final long EVERY_MS = 2_000;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    @TempDir
    Path dir;

    @Test
    void shouldFireEverySlotExactlyOnceAcrossKillsOfEitherInstance(TestKafka kafka) throws Exception {
        try (LocalSchemaRegistryServer registry = LocalSchemaRegistryServer.start(dir.resolve("registry.jsonl"), 0)) {
            Map<String, String> settings = TestSettings.of(kafka, registry.url());
            Topics topics = SchedulerConfig.of(settings).shared().topics();
            TestTopics.create(kafka, topics.names().all(), 3);
            List<Integer> ports = List.of(KafkaCluster.freePort(), KafkaCluster.freePort());
            List<ChildJvm> schedulers = new ArrayList<>(List.of(scheduler(settings, "a", ports.get(0)),
                scheduler(settings, "b", ports.get(1))));
            try (RecordCollector<String, TaskEvent> events = new RecordCollector<>(kafka,
                     List.of(topics.names().tasks("default")), new StringDeserializer(),
                     topics.tasks("default").valueSerde().deserializer());
                 RecordCollector<String, TaskRequest> requests = new RecordCollector<>(kafka,
                     List.of(topics.names().taskRequests()), new StringDeserializer(),
                     topics.taskRequests().valueSerde().deserializer())) {
                await().atMost(Duration.ofSeconds(90)).until(() -> ports.stream().allMatch(p -> status(p, "GET",
                    "/health", null) == 200));
                for (int i = 0; i < SCHEDULES; i++) {
                    assertThat(status(ports.get(i % 2), "PUT", "/schedules/s" + i, "{\"spec\": \"every 2s\","
                        + " \"overlap\": \"ALLOW\", \"task\": {\"type\": \"noop\"}}")).isEqualTo(200);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> firedSchedules(events) == SCHEDULES);
                // either instance shows every schedule: those the other holds are fetched from it
                for (int i = 0; i < SCHEDULES; i++) {
                    assertThat(status(ports.get(0), "GET", "/schedules/s" + i, null)).isEqualTo(200);
                    assertThat(status(ports.get(1), "GET", "/schedules/s" + i, null)).isEqualTo(200);
                }

                schedulers.get(0).process().destroyForcibly(); // a goes, b takes its schedules over
                LOG.info("Scheduler a killed");
                pause(Duration.ofSeconds(15));
                schedulers.set(0, scheduler(settings, "a", ports.get(0))); // a again, on its own state
                await().atMost(Duration.ofSeconds(60)).until(() -> status(ports.get(0), "GET", "/health", null)
                    == 200);
                pause(Duration.ofSeconds(5));
                schedulers.get(1).process().destroyForcibly(); // b goes, a takes every schedule
                LOG.info("Scheduler b killed");
                pause(Duration.ofSeconds(15));
                Instant cutoff = Instant.now().minusSeconds(3);

                assertEverySlotOnce(events, requests, cutoff);
                JsonNode view = JSON.readTree(body(ports.get(0), "/schedules/s0"));
                assertThat(view.path("missed").asLong()).isZero();
                assertThat(view.path("nextRuns")).hasSize(5);
            } finally {
                schedulers.forEach(ChildJvm::close);
            }
        }
    }

    /** For every schedule, every slot from its first to the cutoff: one request, one task. */
    private static void assertEverySlotOnce(RecordCollector<String, TaskEvent> events,
                                            RecordCollector<String, TaskRequest> requests, Instant cutoff) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Map<String, Long> tasksPerRun = events.values().stream().collect(Collectors.groupingBy(
                TaskEvent::getTaskId, TreeMap::new, Collectors.counting()));
            Map<String, Long> requestsPerRun = requests.values().stream().collect(Collectors.groupingBy(
                TaskRequest::getTaskId, TreeMap::new, Collectors.counting()));
            assertThat(tasksPerRun).as("tasks per run").allSatisfy((run, n) -> assertThat(n).as(run).isOne());
            assertThat(requestsPerRun).as("requests per run").allSatisfy((run, n) -> assertThat(n).as(run)
                .isOne());
            int slots = 0;
            for (int i = 0; i < SCHEDULES; i++) {
                String id = "s" + i;
                List<Instant> fired = tasksPerRun.keySet().stream().filter(run -> ScheduleRuns.scheduleOf(run)
                    .orElse("").equals(id)).map(run -> ScheduleRuns.slotOf(run).orElseThrow()).sorted().toList();
                List<Instant> expected = new ArrayList<>();
                for (Instant slot = fired.get(0); !slot.isAfter(cutoff); slot = slot.plusMillis(EVERY_MS)) {
                    expected.add(slot);
                }
                assertThat(fired).as("slots of %s up to %s", id, cutoff).containsAll(expected);
                slots += expected.size();
            }
            LOG.info("{} slots up to {} fired once each", slots, cutoff);
        });
    }

    private static long firedSchedules(RecordCollector<String, TaskEvent> events) {
        return events.values().stream().map(e -> ScheduleRuns.scheduleOf(e.getTaskId()).orElse("")).distinct()
            .count();
    }

    private ChildJvm scheduler(Map<String, String> settings, String name, int port) throws IOException {
        return TestSettings.streamsInstance(settings, SchedulerMain.class, port, dir.resolve("scheduler-" + name),
            "schedule-failover-" + name);
    }

    private static void pause(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        await().atMost(duration.plusSeconds(1)).pollInterval(Duration.ofMillis(200))
            .until(() -> System.nanoTime() >= until);
    }

    private static String body(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(TestAuth.authorized(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)))
            .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The HTTP status of {@code method path} on a scheduler instance; -1 if it does not answer. */
    private static int status(int port, String method, String path, String json) {
        try {
            HttpRequest.Builder request = TestAuth.authorized(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + port + path))).method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
