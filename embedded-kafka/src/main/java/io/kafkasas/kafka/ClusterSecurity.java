package io.kafkasas.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * A cluster that demands what production clusters demand: clients authenticate with SASL/SCRAM-SHA-512 over TLS
 * on the broker port, or with a client certificate (mTLS) on a port of its own; brokers and controllers talk over
 * mTLS; Kafka's {@code StandardAuthorizer} refuses whatever no ACL allows. The certificates come from a
 * {@link CertificateAuthority} of its own under {@code dir}. Only {@code admin} (SCRAM) and the brokers are super
 * users.
 */
public final class ClusterSecurity {

    public static final String MECHANISM = "SCRAM-SHA-512";
    public static final String ADMIN = "admin";
    private static final String BROKER = "broker";
    private static final int SCRAM_ITERATIONS = 8192;
    private static final String PASSWORDS = "passwords.properties";

    private final Path dir;
    private final String password;
    private final String adminPassword;
    private final CertificateAuthority authority;

    private ClusterSecurity(Path dir, String password, String adminPassword, CertificateAuthority authority) {
        this.dir = dir;
        this.password = password;
        this.adminPassword = adminPassword;
        this.authority = authority;
    }

    /**
     * A new CA, the brokers' keystore and the truststore under {@code dir}; random passwords, kept in
     * {@value #PASSWORDS} there (readable by its owner only) for {@link #load}.
     */
    public static ClusterSecurity create(Path dir) {
        ClusterSecurity security = new ClusterSecurity(dir, secret(), secret(),
            CertificateAuthority.create("kafka-sas-local-ca"));
        security.authority.issue(BROKER, security.keystore(BROKER), security.password);
        security.authority.writeTruststore(security.truststore(), security.password);
        Properties passwords = new Properties();
        passwords.setProperty("store", security.password);
        passwords.setProperty(ADMIN, security.adminPassword);
        writePrivately(dir.resolve(PASSWORDS), passwords);
        return security;
    }

    /**
     * The security {@link #create} made under {@code dir}, for the broker's own process or a restart: it serves and
     * connects, but issues no certificate (the CA's key is not kept).
     */
    public static ClusterSecurity load(Path dir) {
        Properties passwords = new Properties();
        try (Reader reader = Files.newBufferedReader(dir.resolve(PASSWORDS), StandardCharsets.UTF_8)) {
            passwords.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the cluster's passwords in " + dir, e);
        }
        return new ClusterSecurity(dir, passwords.getProperty("store"), passwords.getProperty(ADMIN), null);
    }

    /** Whether {@link #create} made a cluster's security under {@code dir}. */
    public static boolean exists(Path dir) {
        return Files.exists(dir.resolve(PASSWORDS));
    }

    /** Writes {@code properties} to {@code file}, which only its owner may read. */
    public static void writePrivately(Path file, Properties properties) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                properties.store(writer, "kafka-sas: secrets of a local cluster");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** A random password. */
    public static String secret() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    public Path dir() {
        return dir;
    }

    private Path keystore(String name) {
        return dir.resolve(name + ".p12");
    }

    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    public String storePassword() {
        return password;
    }

    /** The storage-format arguments that create the admin's SCRAM credential before the first start. */
    List<String> formatArguments() {
        return List.of("--add-scram", MECHANISM + "=[name=" + ADMIN + ",password=" + adminPassword + "]");
    }

    /** Broker properties for listeners {@code SASL_SSL} (clients, brokers), {@code SSL} (mTLS) and the controller's. */
    Map<String, String> brokerProperties(int saslPort, int tlsPort, int controllerPort) {
        Map<String, String> p = new HashMap<>();
        p.put("listeners", "SASL_SSL://127.0.0.1:" + saslPort + ",SSL://127.0.0.1:" + tlsPort
            + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + saslPort + ",SSL://127.0.0.1:" + tlsPort);
        p.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:SSL");
        p.put("inter.broker.listener.name", "SASL_SSL");
        p.put("sasl.enabled.mechanisms", MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        p.put("listener.name.sasl_ssl." + MECHANISM.toLowerCase() + ".sasl.jaas.config", jaas(ADMIN, adminPassword));
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.location", keystore(BROKER).toString());
        p.put("ssl.keystore.password", password);
        p.put("ssl.key.password", password);
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", truststore().toString());
        p.put("ssl.truststore.password", password);
        p.put("listener.name.ssl.ssl.client.auth", "required");
        p.put("listener.name.controller.ssl.client.auth", "required");
        // a certificate's principal is its CN: User:agent, not User:CN=agent
        p.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+)$/$1/,DEFAULT");
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:" + ADMIN + ";User:" + BROKER);
        return p;
    }

    /** Client properties for {@code user} with SCRAM over TLS (bootstrap servers not included). */
    public Map<String, Object> scramClient(String user, String userPassword) {
        Map<String, Object> p = trusting();
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        p.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
        p.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(user, userPassword));
        return p;
    }

    /** Client properties for the admin, a super user. */
    public Map<String, Object> adminClient() {
        return scramClient(ADMIN, adminPassword);
    }

    /**
     * Client properties for {@code name} authenticated by a certificate of its own ({@code CN=<name>}, principal
     * {@code User:<name>}) on the mTLS port; the keystore is issued now under the cluster's directory.
     */
    public Map<String, Object> certificateClient(String name) {
        issue(name);
        Map<String, Object> p = trusting();
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keystore(name).toString());
        p.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, password);
        p.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, password);
        return p;
    }

    /**
     * Issues a keystore for {@code CN=<name>} (valid for 127.0.0.1 and localhost) under the cluster's directory, with
     * the store password; returns where.
     */
    public Path issue(String name) {
        if (authority == null) {
            throw new IllegalStateException("Certificates are issued where the cluster's security was created");
        }
        authority.issue(name, keystore(name), password);
        return keystore(name);
    }

    private Map<String, Object> trusting() {
        Map<String, Object> p = new HashMap<>();
        p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststore().toString());
        p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, password);
        return p;
    }

    /** Creates (or changes) the SCRAM credential of {@code user}, through {@code admin}. */
    public static void addUser(Admin admin, String user, String userPassword) {
        try {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), userPassword))).all().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot create the SCRAM user " + user + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the SCRAM user " + user, e);
        }
    }

    private static String jaas(String user, String userPassword) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
            + "\" password=\"" + userPassword + "\";";
    }
}
