package io.kafkasas.ops.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.avro.Pipeline;
import io.kafkasas.avro.PipelineStep;
import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.client.TaskClient;
import io.kafkasas.ops.bench.PipelinesCommand;
import io.kafkasas.ops.local.LocalApps;
import io.kafkasas.schemas.PipelineRuns;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Pipelines for a chaos run: build, test and lint side by side, package, deploy, verify, each a sleep; package and
 * deploy can be undone. Every fifth pipeline's verify fails for good, so that deploy then package are undone. What
 * each step and compensation must end as, and the checks of order and of the pipelines' end states.
 */
final class PipelineWorkload {

    private static final String FAILING_STEP = "verify";
    private final List<String> ids;
    private final Map<String, String> ends = new LinkedHashMap<>();

    private PipelineWorkload(List<String> ids) {
        this.ids = ids;
        for (String id : ids) {
            boolean fails = failing(id);
            PipelinesCommand.STEPS.keySet().forEach(step -> ends.put(PipelineRuns.stepTaskId(id, step),
                fails && step.equals(FAILING_STEP) ? "DEAD_LETTERED" : "SUCCEEDED"));
            if (fails) {
                ends.put(PipelineRuns.undoTaskId(id, "deploy"), "SUCCEEDED");
                ends.put(PipelineRuns.undoTaskId(id, "package"), "SUCCEEDED");
            }
        }
    }

    /** Submits {@code count} pipelines. */
    static PipelineWorkload submit(TaskClient client, int count) {
        List<String> ids = new ArrayList<>();
        List<CompletableFuture<?>> acks = new ArrayList<>();
        String run = Long.toString(System.currentTimeMillis(), 36);
        for (int i = 0; i < count; i++) {
            String id = String.format("chaos-%s-%05d", run, i);
            ids.add(id);
            acks.add(client.submitPipeline(pipeline(id, i)));
        }
        acks.forEach(CompletableFuture::join);
        return new PipelineWorkload(ids);
    }

    private static boolean failing(String id) {
        return Integer.parseInt(id.substring(id.lastIndexOf('-') + 1)) % 5 == 4;
    }

    private static Pipeline pipeline(String id, int i) {
        List<PipelineStep> steps = new ArrayList<>();
        int[] n = {0};
        PipelinesCommand.STEPS.forEach((name, dependsOn) -> {
            int k = i * 6 + n[0]++;
            int ms = k % 10 == 0 ? 1000 + (k * 37) % 2000 : 20 + (k * 53) % 180;
            PipelineStep.Builder step = PipelineStep.newBuilder().setName(name).setDependsOn(dependsOn)
                .setTask(sleep(ms, failing(id) && name.equals(FAILING_STEP)));
            if (name.equals("package") || name.equals("deploy")) {
                step.setCompensation(sleep(50, false));
            }
            steps.add(step.build());
        });
        return Pipeline.newBuilder().setPipelineId(id).setName(id).setSteps(steps).setSubmittedAt(Instant.now())
            .build();
    }

    private static TaskRequest sleep(int ms, boolean fail) {
        String payload = "{\"ms\":" + ms + (fail ? ",\"fail\":\"verify found a problem\"" : "") + "}";
        return TaskClient.request("sleep").setPayload(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)))
            .setRetryPolicy(RetryPolicy.newBuilder().setMaxAttempts(fail ? 2 : 5).setInitialIntervalMs(200).build())
            .build();
    }

    /** Each step's and compensation's task id, and the state it must end in. */
    Map<String, String> ends() {
        return ends;
    }

    int pipelines() {
        return ids.size();
    }

    /**
     * What broke, by the status log and the scheduler: a step that started before a step it depends on succeeded,
     * a compensation that started before the failure or before the one after it was undone, a pipeline that did not
     * end SUCCEEDED (or COMPENSATED, when its verify fails) within {@code waitMs}.
     */
    List<String> check(StatusLog log, LocalApps apps, long waitMs) throws IOException, InterruptedException {
        List<String> problems = new ArrayList<>();
        Map<String, long[]> first = log.first();
        long[] never = new long[3];
        for (String id : ids) {
            PipelinesCommand.STEPS.forEach((step, dependsOn) -> {
                long started = first.getOrDefault(PipelineRuns.stepTaskId(id, step), never)[StatusLog.STARTED];
                for (String dependency : dependsOn) {
                    long done = first.getOrDefault(PipelineRuns.stepTaskId(id, dependency), never)
                        [StatusLog.SUCCEEDED];
                    if (started != 0 && (done == 0 || started < done)) {
                        problems.add(id + ": " + step + " started before " + dependency + " succeeded");
                    }
                }
            });
            if (failing(id)) {
                long failed = first.getOrDefault(PipelineRuns.stepTaskId(id, FAILING_STEP), never)
                    [StatusLog.DEAD_LETTERED];
                long[] deployUndo = first.getOrDefault(PipelineRuns.undoTaskId(id, "deploy"), never);
                long[] packageUndo = first.getOrDefault(PipelineRuns.undoTaskId(id, "package"), never);
                if (deployUndo[StatusLog.STARTED] < failed || packageUndo[StatusLog.STARTED]
                    < deployUndo[StatusLog.SUCCEEDED]) {
                    problems.add(id + ": compensations out of order");
                }
            }
        }
        Map<String, String> states = awaitEnded(apps, waitMs);
        for (String id : ids) {
            String wanted = failing(id) ? "COMPENSATED" : "SUCCEEDED";
            if (!wanted.equals(states.get(id))) {
                problems.add(id + ": " + states.getOrDefault(id, "unknown to the scheduler") + ", not " + wanted);
            }
        }
        return problems;
    }

    private Map<String, String> awaitEnded(LocalApps apps, long waitMs) throws IOException, InterruptedException {
        long giveUp = System.currentTimeMillis() + waitMs;
        while (true) {
            Map<String, String> states = new HashMap<>();
            String after = "";
            do {
                JsonNode page = SupervisorVerdict.get(apps.schedulerUrl() + "/pipelines?limit=10000&after=" + after,
                    apps.authorization());
                page.path("pipelines").forEach(p -> states.put(p.path("pipelineId").asText(),
                    p.path("state").asText()));
                after = page.path("next").isTextual() ? page.path("next").asText() : null;
            } while (after != null);
            boolean allEnded = ids.stream().allMatch(id -> List.of("SUCCEEDED", "COMPENSATED", "STOPPED",
                "COMPENSATION_FAILED").contains(states.get(id)));
            if (allEnded || System.currentTimeMillis() > giveUp) {
                return states;
            }
            TimeUnit.SECONDS.sleep(1);
        }
    }
}
