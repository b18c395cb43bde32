package io.kafkasas.ops.local;

import io.kafkasas.kafka.ClusterSecurity;
import io.kafkasas.schemas.acls.AccessPlan;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * The Kafka principals of a secured local stack: a SCRAM user per app of the {@link AccessPlan} (the scheduler, the
 * supervisor, the agents, a submitter, a reader), each allowed what the plan grants it. Their passwords are made at
 * the first start and kept in {@code <dir>/tls/users.properties}, readable by its owner only.
 */
final class LocalKafkaUsers {

    private static final String FILE = "users.properties";
    /** The apps that run in the stack, and the key of each one's principal. */
    static final Map<String, String> PRINCIPALS = Map.of("scheduler", AccessPlan.SCHEDULER,
        "supervisor", AccessPlan.SUPERVISOR, "agent", AccessPlan.AGENT, "submitter", AccessPlan.SUBMITTER,
        "reader", AccessPlan.READER);

    private LocalKafkaUsers() {
    }

    /** Where a secured stack keeps its certificates and passwords. */
    static Path securityDir(Path dir) {
        return dir.resolve("tls");
    }

    /** Creates (or keeps) every user and the plan's ACLs, as the cluster's admin. */
    static void apply(Map<String, Object> adminProperties, ClusterSecurity security, Map<String, String> settings)
        throws ExecutionException, InterruptedException {
        Path file = security.dir().resolve(FILE);
        Properties passwords = read(file);
        AccessPlan plan = new AccessPlan(settings);
        try (Admin admin = Admin.create(adminProperties)) {
            for (Map.Entry<String, String> app : PRINCIPALS.entrySet()) {
                String user = user(plan, app.getValue());
                if (passwords.getProperty(user) == null) {
                    passwords.setProperty(user, ClusterSecurity.secret());
                }
                ClusterSecurity.addUser(admin, user, passwords.getProperty(user));
            }
            // creating a binding that exists changes nothing
            admin.createAcls(plan.grants().stream().map(AccessPlan.Grant::binding).toList()).all().get();
        }
        ClusterSecurity.writePrivately(file, passwords);
    }

    /** The {@code kafka.sasl.jaas.config} of {@code app}'s user, if the stack in {@code dir} is secured. */
    static Optional<String> jaasOf(Path dir, String app, Map<String, String> settings) {
        Path security = securityDir(dir);
        if (!ClusterSecurity.exists(security)) {
            return Optional.empty();
        }
        String user = user(new AccessPlan(settings), PRINCIPALS.get(app));
        return Optional.of(String.valueOf(ClusterSecurity.load(security).scramClient(user,
            read(security.resolve(FILE)).getProperty(user)).get(SaslConfigs.SASL_JAAS_CONFIG)));
    }

    private static String user(AccessPlan plan, String principalKey) {
        return plan.getString(principalKey).substring("User:".length());
    }

    private static Properties read(Path file) {
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + file, e);
            }
        }
        return properties;
    }
}
