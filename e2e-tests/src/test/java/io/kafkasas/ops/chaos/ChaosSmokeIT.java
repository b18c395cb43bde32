package io.kafkasas.ops.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.ops.OpsMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The chaos command, short: kill -9 and SIGSTOP of agents, a poison record, and kill -9 of the supervisor while tasks
 * run, and the guarantees still hold. The long run is {@code ops chaos} itself, with every fault. A broker restart
 * is left out here: under load the stack did not recover from it once (docs/benchmarks.md, "Chaos runs").
 */
class ChaosSmokeIT {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosSmokeIT.class);

    @TempDir
    Path dir;

    @Test
    void shouldEndEveryTaskSucceededOnceThroughAgentFaultsPoisonAndASupervisorCrash() {
        StringWriter output = new StringWriter();
        CommandLine command = OpsMain.commandLine().setOut(new PrintWriter(output, true));

        int exit = command.execute("chaos", "--dir", dir.toString(), "--tasks", "800", "--agents", "2",
            "--concurrency", "4", "--fault-every", "3", "--max-faults", "4", "--stop-seconds", "8",
            "--timeout-minutes", "5",
            // every fault within 9 s of the first: a fault not injected before the tasks have all ended never is
            "--faults", "KILL,STOP,POISON,SUPERVISOR_KILL");

        String printed = output.toString();
        LOG.info("ops chaos printed:\n{}", printed);
        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("Every task SUCCEEDED exactly once in the supervisor's view: YES",
            "unknown to the supervisor      0",
            "Every poison record dead-lettered once by each reader, no app left down: YES");
        for (String kind : new String[] {"KILL", "POISON", "SUPERVISOR_KILL", "STOP"}) {
            assertThat(printed).as("a %s fault was injected", kind).containsPattern("\\+\\s*[0-9.]+ s  " + kind);
        }
        // detection times are printed, not asserted: the chaos timer itself sometimes misses a detection after a
        // supervisor restart (a known, undiagnosed defect; docs/benchmarks.md)
    }

    /** Pipelines through an agent's kill -9 and the scheduler's: every step and compensation once, in order. */
    @Test
    void shouldCarryPipelinesThroughOrUndoThemAcrossAnAgentCrashAndASchedulerCrash() {
        StringWriter output = new StringWriter();
        CommandLine command = OpsMain.commandLine().setOut(new PrintWriter(output, true));

        int exit = command.execute("chaos", "--dir", dir.toString(), "--workload", "pipelines", "--pipelines", "60",
            "--agents", "2", "--concurrency", "4", "--fault-every", "5", "--max-faults", "2", "--timeout-minutes", "5",
            "--faults", "SCHEDULER_KILL,KILL");

        String printed = output.toString();
        LOG.info("ops chaos --workload pipelines printed:\n{}", printed);
        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("Submitted 60 pipelines (384 steps and compensations)",
            "Every task ended once as planned (SUCCEEDED, or DEAD_LETTERED for a failing verify) in the supervisor's"
                + " view: YES", "unknown to the supervisor      0", "every pipeline SUCCEEDED or COMPENSATED as"
                + " planned: YES");
        assertThat(printed).containsPattern("\\+\\s*[0-9.]+ s  SCHEDULER_KILL");
    }
}
