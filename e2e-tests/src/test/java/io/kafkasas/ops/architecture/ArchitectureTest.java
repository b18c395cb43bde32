package io.kafkasas.ops.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/** What the modules may use of each other, and no cycles between packages, on the compiled classes. */
class ArchitectureTest {

    private static final JavaClasses OURS = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.kafkasas");

    /**
     * Each source file (a top-level class and what it nests) is a slice; none may reach itself again. The test kit's
     * {@code @RealKafka} and its extension name each other, as JUnit's meta-annotations are made to.
     */
    @Test
    void filesShouldHaveNoCycles() {
        slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass type) {
                String name = type.getName();
                int nested = name.indexOf('$');
                return SliceIdentifier.of(nested < 0 ? name : name.substring(0, nested));
            }

            @Override
            public String getDescription() {
                return "source files";
            }
        }).should().beFreeOfCycles().check(OURS.that(not(resideInAnyPackage("io.kafkasas.avro..",
            "io.kafkasas.testkit.."))));
    }

    @Test
    void handlerAuthorsShouldSeeOnlyTheJdk() {
        noClasses().that().resideInAPackage("io.kafkasas.handler..")
            .should().dependOnClassesThat().resideOutsideOfPackages("io.kafkasas.handler..", "java..")
            .check(OURS);
    }

    @Test
    void theAgentShouldRunNoKafkaStreams() {
        noClasses().that().resideInAPackage("io.kafkasas.agent..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka.streams..", "org.rocksdb..",
                "io.kafkasas.app.streams..")
            .check(OURS);
    }

    @Test
    void theContractsShouldKnowNoApp() {
        noClasses().that().resideInAnyPackage("io.kafkasas.schemas..", "io.kafkasas.avro..", "io.kafkasas.client..")
            .should().dependOnClassesThat().resideInAnyPackage("io.kafkasas.app..", "io.kafkasas.agent..",
                "io.kafkasas.scheduler..", "io.kafkasas.supervisor..", "io.kafkasas.ctl..", "io.kafkasas.ops..")
            .check(OURS);
    }

    @Test
    void theAppsShouldNotReachIntoEachOther() {
        noClasses().that().resideInAPackage("io.kafkasas.scheduler..")
            .should().dependOnClassesThat().resideInAnyPackage("io.kafkasas.supervisor..", "io.kafkasas.agent..",
                "io.kafkasas.ctl..", "io.kafkasas.ops..")
            .check(OURS);
        noClasses().that().resideInAPackage("io.kafkasas.supervisor..")
            .should().dependOnClassesThat().resideInAnyPackage("io.kafkasas.scheduler..", "io.kafkasas.agent..",
                "io.kafkasas.ctl..", "io.kafkasas.ops..")
            .check(OURS);
        noClasses().that().resideInAPackage("io.kafkasas.agent..")
            .should().dependOnClassesThat().resideInAnyPackage("io.kafkasas.scheduler..", "io.kafkasas.supervisor..",
                "io.kafkasas.ctl..", "io.kafkasas.ops..")
            .check(OURS);
    }
}
