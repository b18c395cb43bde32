package io.kafkasas.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secured cluster demands a credential and an ACL, over SCRAM and over client certificates alike. */
class SecureClusterTest {

    @TempDir
    static Path dir;
    private static ClusterSecurity security;
    private static KafkaCluster cluster;

    @BeforeAll
    static void start() {
        security = ClusterSecurity.create(dir.resolve("tls"));
        cluster = KafkaCluster.start(dir.resolve("data"), 1, 0, Map.of(), security);
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("orders", 1, (short) 1))).all().get();
            ClusterSecurity.addUser(admin, "alice", "alice-secret");
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldWriteOnlyWhereAnAclAllows() throws Exception {
        Map<String, Object> alice = client(security.scramClient("alice", "alice-secret"), cluster.bootstrapServers());
        Map<String, Object> bob = client(security.certificateClient("bob"), cluster.tlsBootstrapServers());
        assertThatThrownBy(() -> send(alice)).hasCauseInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> send(bob)).hasCauseInstanceOf(TopicAuthorizationException.class);

        try (Admin admin = admin()) {
            admin.createAcls(List.of(allowWrite("User:alice"), allowWrite("User:bob"))).all().get();
        }

        send(alice);
        send(bob);
    }

    @Test
    void shouldRefuseAWrongPassword() {
        Map<String, Object> mallory = client(security.scramClient("alice", "guess"), cluster.bootstrapServers());
        assertThatThrownBy(() -> send(mallory)).hasCauseInstanceOf(SaslAuthenticationException.class);
    }

    private static AclBinding allowWrite(String principal) {
        return new AclBinding(new ResourcePattern(ResourceType.TOPIC, "orders", PatternType.LITERAL),
            new AccessControlEntry(principal, "*", AclOperation.WRITE, AclPermissionType.ALLOW));
    }

    private static void send(Map<String, Object> props) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
            new StringSerializer())) {
            producer.send(new ProducerRecord<>("orders", "k", "v")).get(30, TimeUnit.SECONDS);
        }
    }

    private static Map<String, Object> client(Map<String, Object> security, String bootstrap) {
        Map<String, Object> props = new HashMap<>(security);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return props;
    }

    private static Admin admin() {
        return Admin.create(client(security.adminClient(), cluster.bootstrapServers()));
    }
}
