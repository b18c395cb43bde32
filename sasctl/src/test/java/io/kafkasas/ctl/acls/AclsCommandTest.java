package io.kafkasas.ctl.acls;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.ctl.Sasctl;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AclsCommandTest {

    @TempDir
    Path dir;

    /** For a cluster managed elsewhere: every binding as the kafka-acls.sh command that makes it. */
    @Test
    void printShouldWriteKafkaAclsCommands() throws Exception {
        Path settings = Files.writeString(dir.resolve("s.properties"), "kafka.bootstrap.servers=kafka:9093\n");

        Sasctl.Run run = Sasctl.run(settings.toString(), "acls", "print");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines()).contains(
            "kafka-acls.sh --bootstrap-server kafka:9093 --add --allow-principal User:kafka-sas-agent --operation"
                + " Write --transactional-id sas.agent. --resource-pattern-type prefixed",
            "kafka-acls.sh --bootstrap-server kafka:9093 --add --allow-principal User:kafka-sas-reader --operation"
                + " DescribeConfigs --topic sas.dead-letters")
            .allSatisfy(line -> assertThat(line).startsWith("kafka-acls.sh "));
    }
}
