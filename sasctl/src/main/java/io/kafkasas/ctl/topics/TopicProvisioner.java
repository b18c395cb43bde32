package io.kafkasas.ctl.topics;

import io.kafkasas.schemas.topics.PartitionsReady;
import io.kafkasas.schemas.topics.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Makes the cluster's topics match a plan without ever changing an existing topic: missing topics are
 * created; a topic that exists with other partitions, replication or configs is reported, so an operator
 * decides (altering partitions of a keyed topic moves keys; altering retention loses data).
 */
public final class TopicProvisioner {

    /** What happened to one topic. */
    public enum Outcome { CREATED, UNCHANGED, DIFFERENT, MISSING }

    /** One line of the report; {@code differences} says what differs, in words. */
    public record Result(String topic, Outcome outcome, List<String> differences) {
    }

    private final Admin admin;

    public TopicProvisioner(Admin admin) {
        this.admin = admin;
    }

    /** Creates what is missing (unless {@code verifyOnly}) and reports every topic of {@code plan}. */
    public List<Result> provision(List<TopicSpec> plan, boolean verifyOnly)
        throws ExecutionException, InterruptedException {
        Set<String> existing = admin.listTopics().names().get();
        List<TopicSpec> missing = plan.stream().filter(t -> !existing.contains(t.name())).toList();
        List<TopicSpec> present = new ArrayList<>(plan.stream().filter(t -> existing.contains(t.name())).toList());
        List<Result> results = new ArrayList<>();
        if (verifyOnly) {
            missing.forEach(t -> results.add(new Result(t.name(), Outcome.MISSING, List.of())));
        } else {
            List<TopicSpec> created = create(missing);
            created.forEach(t -> results.add(new Result(t.name(), Outcome.CREATED, List.of())));
            // a topic another provisioner (or a lagging listing) hid from us is compared, not reported created
            missing.stream().filter(t -> !created.contains(t)).forEach(present::add);
        }
        results.addAll(compare(present));
        return results;
    }

    /** Creates {@code missing}; returns those this call created (not those that turned out to exist). */
    private List<TopicSpec> create(List<TopicSpec> missing) throws ExecutionException, InterruptedException {
        Map<String, KafkaFuture<Void>> futures = admin.createTopics(missing.stream()
            .map(t -> new NewTopic(t.name(), t.partitions(), t.replicationFactor()).configs(t.configs()))
            .toList()).values();
        List<TopicSpec> created = new ArrayList<>();
        for (TopicSpec spec : missing) {
            try {
                futures.get(spec.name()).get();
                created.add(spec);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        // what runs next may produce at once: wait until the leaders serve (see PartitionsReady)
        PartitionsReady.await(admin, created.stream().map(TopicSpec::name).toList(), Duration.ofSeconds(30));
        return created;
    }

    private List<Result> compare(List<TopicSpec> present) throws ExecutionException, InterruptedException {
        if (present.isEmpty()) {
            return List.of();
        }
        Collection<String> names = present.stream().map(TopicSpec::name).toList();
        Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames().get();
        Map<ConfigResource, Config> configs = admin.describeConfigs(names.stream()
            .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList()).all().get();
        List<Result> results = new ArrayList<>();
        for (TopicSpec spec : present) {
            TopicDescription description = descriptions.get(spec.name());
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            List<String> differences = differences(spec, description, config);
            results.add(new Result(spec.name(), differences.isEmpty() ? Outcome.UNCHANGED : Outcome.DIFFERENT,
                differences));
        }
        return results;
    }

    static List<String> differences(TopicSpec spec, TopicDescription description, Config config) {
        List<String> differences = new ArrayList<>();
        int partitions = description.partitions().size();
        if (partitions != spec.partitions()) {
            differences.add("partitions " + partitions + ", planned " + spec.partitions());
        }
        int replicas = description.partitions().get(0).replicas().size();
        if (replicas != spec.replicationFactor()) {
            differences.add("replication factor " + replicas + ", planned " + spec.replicationFactor());
        }
        Map<String, String> actual = config.entries().stream()
            .filter(e -> e.value() != null)
            .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value));
        spec.configs().forEach((key, planned) -> {
            String value = actual.get(key);
            if (!planned.equals(value)) {
                differences.add(key + "=" + value + ", planned " + planned);
            }
        });
        return differences;
    }
}
