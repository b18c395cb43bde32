package io.kafkasas.agent.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.handler.TaskContext;
import io.kafkasas.handler.TaskFailedException;
import io.kafkasas.handler.TaskHandler;
import io.kafkasas.handler.TaskHandlerFactory;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code shell}: runs one command of the agent's allow-list with arguments from the payload,
 * {@code {"command": "echo", "args": ["hello"]}}. The command is never a shell string: its name must equal an entry
 * of {@code handler.shell.allowed.commands} exactly, and the process started is the executable that entry resolved
 * to when the agent started (an absolute path, or found on {@code handler.shell.path}), each argument passed as one
 * argument, so a payload cannot inject anything. Shells and interpreters (which would run whatever they are given)
 * cannot be allowed, also not through a link. Each argument must match the command's
 * {@code handler.shell.args.<command>} pattern where one is set (e.g. {@code date}'s, so that it cannot read a
 * file with {@code -f}), and none may hold a control character. The process gets an environment of its own
 * ({@code PATH} and {@code LANG} only) and the working directory. The result carries the exit code and the tail of
 * stdout and stderr; a non-zero exit fails the attempt (not retryable for 126/127). On cancel or deadline the
 * process and its children get SIGTERM, then SIGKILL after {@code handler.shell.kill.grace.ms}. Every refusal
 * names the rule that refused.
 *
 * <p>Settings: {@code allowed.commands} (list; empty refuses everything), {@code path} (default
 * {@code /usr/local/bin:/usr/bin:/bin}), {@code args.<command>} (a pattern every argument must match),
 * {@code output.tail.bytes} (default 4096), {@code max.output.bytes} (default 64 MiB per stream: a command that writes
 * more is stopped), {@code kill.grace.ms} (default 2000), {@code working.dir} (default: the agent's).
 */
public final class ShellHandler implements TaskHandlerFactory, TaskHandler {

    /** What would run anything it is given: never on the allow-list, whatever name or link points to it. */
    private static final Set<String> INTERPRETERS = Set.of("sh", "bash", "dash", "zsh", "ksh", "mksh", "csh", "tcsh",
        "fish", "busybox", "env", "xargs", "nohup", "timeout", "nice", "sudo", "su", "perl", "python", "python3",
        "ruby", "node", "php", "lua", "awk", "gawk", "mawk", "java", "osascript", "powershell", "pwsh");
    private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
    /** Output kept on the agent's disk while a command runs (each stream); past it the command is stopped. */
    private static final long DEFAULT_MAX_OUTPUT_BYTES = 64L * 1024 * 1024;
    private static final long OUTPUT_CHECK_MS = 100;
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    /** Allowed command name → the executable it runs. */
    private final Map<String, Path> allowed;
    /** Command name → the pattern each of its arguments must match. */
    private final Map<String, Pattern> argumentRules;
    private final String path;
    private final int tailBytes;
    private final long maxOutputBytes;
    private final long killGraceMs;
    private final File workingDir;

    /** For {@link java.util.ServiceLoader}. */
    public ShellHandler() {
        this(Map.of(), Map.of(), DEFAULT_PATH, 4096, DEFAULT_MAX_OUTPUT_BYTES, 2000, null);
    }

    private ShellHandler(Map<String, Path> allowed, Map<String, Pattern> argumentRules, String path, int tailBytes,
                         long maxOutputBytes, long killGraceMs, File workingDir) {
        this.allowed = Map.copyOf(allowed);
        this.argumentRules = Map.copyOf(argumentRules);
        this.path = path;
        this.tailBytes = tailBytes;
        this.maxOutputBytes = maxOutputBytes;
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
        String searchPath = settings.getOrDefault("path", DEFAULT_PATH);
        Map<String, Path> commands = new TreeMap<>();
        Arrays.stream(list.split(",")).map(String::trim).filter(c -> !c.isEmpty())
            .forEach(c -> commands.put(c, executable(c, searchPath)));
        Map<String, Pattern> rules = new TreeMap<>();
        settings.forEach((key, value) -> {
            if (key.startsWith("args.")) {
                String command = key.substring("args.".length());
                if (!commands.containsKey(command)) {
                    throw new IllegalArgumentException("handler.shell." + key + " is set, but " + command
                        + " is not on handler.shell.allowed.commands");
                }
                rules.put(command, Pattern.compile(value));
            }
        });
        String dir = settings.get("working.dir");
        return new ShellHandler(commands, rules, searchPath,
            Integer.parseInt(settings.getOrDefault("output.tail.bytes", "4096")),
            Long.parseLong(settings.getOrDefault("max.output.bytes", "" + DEFAULT_MAX_OUTPUT_BYTES)),
            Long.parseLong(settings.getOrDefault("kill.grace.ms", "2000")), dir == null ? null : new File(dir));
    }

    /** The executable an allow-list entry names, links followed; refused if missing or an interpreter. */
    private static Path executable(String entry, String searchPath) {
        List<Path> candidates = entry.startsWith("/") ? List.of(Path.of(entry))
            : entry.contains("/") ? List.of() : Arrays.stream(searchPath.split(":")).map(d -> Path.of(d, entry))
                .toList();
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                Path real;
                try {
                    real = candidate.toRealPath();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                String file = real.getFileName().toString();
                if (INTERPRETERS.contains(entryName(entry)) || INTERPRETERS.contains(file)
                    || file.matches("(python|perl|ruby|php|lua)[0-9.]*")) {
                    throw new IllegalArgumentException("handler.shell.allowed.commands names " + entry + " (" + real
                        + "), a shell or interpreter: it would run whatever it is given, so it cannot be allowed");
                }
                return real;
            }
        }
        throw new IllegalArgumentException("handler.shell.allowed.commands names " + entry + ", which is "
            + (entry.contains("/") && !entry.startsWith("/") ? "a relative path: give a name or an absolute path"
                : "not an executable file" + (entry.startsWith("/") ? "" : " on " + searchPath)));
    }

    private static String entryName(String entry) {
        return entry.substring(entry.lastIndexOf('/') + 1);
    }

    @Override
    public byte[] run(TaskContext context) throws Exception {
        List<String> command = command(Payloads.object(context.payload(), name()));
        Path out = Files.createTempFile("sas-shell-", ".out");
        Path err = Files.createTempFile("sas-shell-", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir)
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
            // nothing of the agent's environment (its Kafka credentials among it) reaches the command
            builder.environment().clear();
            builder.environment().putAll(Map.of("PATH", path, "LANG", "C.UTF-8"));
            Process process = builder.start();
            process.getOutputStream().close();
            context.onCancel(() -> stop(process));
            int exit;
            try {
                while (!process.waitFor(OUTPUT_CHECK_MS, TimeUnit.MILLISECONDS)) {
                    if (Files.size(out) > maxOutputBytes || Files.size(err) > maxOutputBytes) {
                        stop(process);
                        throw new TaskFailedException("shell.output-limit", command.get(0) + " wrote more than "
                            + maxOutputBytes + " bytes to stdout or stderr (handler.shell.max.output.bytes): stopped",
                            false, tail(err));
                    }
                }
                exit = process.exitValue();
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
        Path executable = allowed.get(name);
        if (executable == null) {
            throw new TaskFailedException("shell.not-allowed", "Command '" + abbreviate(name) + "' is not on this"
                + " agent's allow-list (handler.shell.allowed.commands = " + allowed.keySet() + ")", false);
        }
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        JsonNode args = payload.path("args");
        if (!args.isMissingNode() && !args.isArray()) {
            throw new TaskFailedException("shell.bad-payload", "args must be an array of strings", false);
        }
        Pattern rule = argumentRules.get(name);
        for (JsonNode arg : args) {
            if (!arg.isTextual()) {
                throw new TaskFailedException("shell.bad-payload", "args must be an array of strings", false);
            }
            String value = arg.asText();
            if (CONTROL.matcher(value).find()) {
                throw new TaskFailedException("shell.bad-argument", "An argument holds a control character (a"
                    + " newline, NUL ...): refused", false);
            }
            if (rule != null && !rule.matcher(value).matches()) {
                throw new TaskFailedException("shell.bad-argument", "Argument '" + abbreviate(value) + "' of " + name
                    + " does not match handler.shell.args." + name + " (" + rule.pattern() + ")", false);
            }
            command.add(value);
        }
        return command;
    }

    private static String abbreviate(String value) {
        return value.length() <= 60 ? value : value.substring(0, 57) + "...";
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
