package io.kafkasas.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * A Java process of ours started from our own class path (the broker, the apps), its output appended to a log
 * file. Stopped with SIGTERM so it shuts down gracefully, and killed only if it does not stop in time.
 */
public final class ChildJvm implements AutoCloseable {

    /**
     * A system property with JVM options for every child on top of its own, and for their children: the build sets
     * {@code -XX:TieredStopAtLevel=1}, because its many short-lived JVMs spend more CPU compiling than running.
     */
    public static final String EXTRA_OPTIONS = "kafkasas.child.jvm.options";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** Children still running, newest first: stopped in that order if this JVM is stopped (Ctrl-C, SIGTERM). */
    private static final Deque<ChildJvm> RUNNING = new ConcurrentLinkedDeque<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(ChildJvm::close), "child-jvms-stop"));
    }

    private final Process process;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} with {@code args}; {@code env} adds to this process's environment. Its output goes to
     * {@code log}, or to this process's own output if {@code log} is null.
     */
    public static ChildJvm start(String mainClass, List<String> jvmOptions, List<String> args,
                                 Map<String, String> env, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        String extra = System.getProperty(EXTRA_OPTIONS, "").trim();
        if (!extra.isEmpty()) { // passed on, so that the children's children get them too
            command.addAll(List.of(extra.split("\\s+")));
            command.add("-D" + EXTRA_OPTIONS + "=" + extra);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (log == null) {
            builder.inheritIO();
        } else {
            Files.createDirectories(log.toAbsolutePath().getParent());
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        builder.environment().putAll(env);
        ChildJvm child = new ChildJvm(builder.start(), log);
        RUNNING.push(child);
        child.process.onExit().thenRun(() -> RUNNING.remove(child));
        return child;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Process process() {
        return process;
    }

    public Path log() {
        return log;
    }

    /** The last {@code count} lines of the log, for error messages. */
    public String tail(int count) {
        if (log == null) {
            return "(output not captured)";
        }
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the process is stopped (SIGSTOP): it cannot act on SIGTERM until continued. Linux only. */
    public boolean isSuspended() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            String afterName = stat.substring(stat.lastIndexOf(')') + 1).trim();
            return afterName.startsWith("T");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Sends a POSIX signal ({@code KILL}, {@code STOP}, {@code CONT}...) to any process, as {@code kill -SIGNAL pid}
     * does: Java itself can only terminate processes. Returns whether {@code kill} succeeded.
     */
    public static boolean signal(String signal, long pid) {
        try {
            return new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run kill -" + signal + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGTERM, then SIGKILL after {@code timeout}; returns the exit code. */
    public int stop(Duration timeout) {
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop(STOP_TIMEOUT);
        }
    }
}
