package io.kafkasas.agent.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.handler.TaskContext;
import io.kafkasas.handler.TaskFailedException;
import io.kafkasas.handler.TaskHandler;
import io.kafkasas.handler.TaskHandlerFactory;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

/**
 * {@code shell}: runs one command of the agent's allow-list with arguments from the payload,
 * {@code {"command": "echo", "args": ["hello"]}}. The command is never a shell string: it is matched exactly
 * against {@code handler.shell.allowed.commands} and started directly, each argument passed as one argument, so a
 * payload cannot inject anything. The result carries the exit code and the tail of stdout and stderr; a non-zero
 * exit fails the attempt (not retryable for 126/127: not executable / not found). On cancel or deadline the
 * process and its children get SIGTERM, then SIGKILL after {@code handler.shell.kill.grace.ms}.
 *
 * <p>Settings: {@code allowed.commands} (list; empty refuses everything), {@code output.tail.bytes} (default
 * 4096), {@code kill.grace.ms} (default 2000), {@code working.dir} (default: the agent's).
 */
public final class ShellHandler implements TaskHandlerFactory, TaskHandler {

    private final Set<String> allowed;
    private final int tailBytes;
    private final long killGraceMs;
    private final File workingDir;

    /** For {@link java.util.ServiceLoader}. */
    public ShellHandler() {
        this(Set.of(), 4096, 2000, null);
    }

    ShellHandler(Set<String> allowed, int tailBytes, long killGraceMs, File workingDir) {
        this.allowed = Set.copyOf(allowed);
        this.tailBytes = tailBytes;
        this.killGraceMs = killGraceMs;
        this.workingDir = workingDir;
    }

    @Override
    public String name() {
        return "shell";
    }

    @Override
    public TaskHandler create(Map<String, String> settings) {
        String list = settings.getOrDefault("allowed.commands", "");
        Set<String> commands = list.isBlank() ? Set.of() : Set.copyOf(Arrays.stream(list.split(","))
            .map(String::trim).filter(s -> !s.isEmpty()).toList());
        String dir = settings.get("working.dir");
        return new ShellHandler(commands, Integer.parseInt(settings.getOrDefault("output.tail.bytes", "4096")),
            Long.parseLong(settings.getOrDefault("kill.grace.ms", "2000")), dir == null ? null : new File(dir));
    }

    @Override
    public byte[] run(TaskContext context) throws Exception {
        List<String> command = command(Payloads.object(context.payload(), name()));
        Path out = Files.createTempFile("sas-shell-", ".out");
        Path err = Files.createTempFile("sas-shell-", ".err");
        try {
            Process process = new ProcessBuilder(command).directory(workingDir)
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
            process.getOutputStream().close();
            context.onCancel(() -> stop(process));
            int exit;
            try {
                exit = process.waitFor();
            } catch (InterruptedException e) {
                stop(process);
                throw e;
            }
            if (context.isCancelled()) {
                throw new CancellationException("the command was stopped");
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("exitCode", exit);
            result.put("stdout", tail(out));
            result.put("stderr", tail(err));
            if (exit != 0) {
                throw new TaskFailedException("shell.exit", command.get(0) + " exited with " + exit,
                    exit != 126 && exit != 127, tail(err));
            }
            return Payloads.json(result);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private List<String> command(JsonNode payload) throws TaskFailedException {
        String name = payload.path("command").asText("");
        if (!allowed.contains(name)) {
            throw new TaskFailedException("shell.not-allowed", "Command '" + name + "' is not on this agent's"
                + " allow-list (handler.shell.allowed.commands = " + allowed + ")", false);
        }
        List<String> command = new ArrayList<>();
        command.add(name);
        JsonNode args = payload.path("args");
        if (!args.isMissingNode() && !args.isArray()) {
            throw new TaskFailedException("shell.bad-payload", "args must be an array of strings", false);
        }
        args.forEach(a -> command.add(a.asText()));
        return command;
    }

    /** SIGTERM the process tree, then SIGKILL what is left after the grace period. */
    private void stop(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(killGraceMs, TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private String tail(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            byte[] bytes = new byte[(int) Math.min(length, tailBytes)];
            raf.seek(length - bytes.length);
            raf.readFully(bytes);
            return (length > bytes.length ? "..." : "") + new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
