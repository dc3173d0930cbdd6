package io.attentionstream.tests.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Java process of the cluster (a JobManager, a TaskManager, a `flink run` client), started from
 * this JVM's Java installation with its output and errors going to one log file.
 */
final class JvmProcess {
    /** The module openings Flink needs on Java 17+, as in bin/attention-stream and Flink's own scripts. */
    static final List<String> JAVA_17_OPENS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.management/sun.management=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED");

    private static final Duration EXIT_WAIT = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final Path log;

    private JvmProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} in a new JVM.
     *
     * @param jvmOptions heap sizes and system properties; the Java 17 openings are added
     * @param env variables added to this process's environment
     * @param log file that receives the process's stdout and stderr
     */
    static JvmProcess start(
            String name,
            List<String> jvmOptions,
            String classpath,
            String mainClass,
            List<String> args,
            Map<String, String> env,
            Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JAVA_17_OPENS);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(log.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        try {
            return new JvmProcess(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Could not start the " + name + " JVM (" + mainClass + "): " + e.getMessage(), e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code; the process must have ended. */
    int exitCode() {
        return process.exitValue();
    }

    /** Waits up to {@code timeout} for the process to end; true if it did. */
    boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the " + name + " process to end.", e);
        }
    }

    /** Sends SIGKILL (what {@link Process#destroyForcibly()} sends on Linux) and returns at once. */
    void sendKill() {
        process.destroyForcibly();
    }

    /** SIGKILL, then waits until the process is gone: no shutdown hook runs, no goodbye to the cluster. */
    void kill() {
        sendKill();
        if (!waitFor(EXIT_WAIT)) {
            throw new IllegalStateException("The " + name + " process (pid " + pid() + ") is still alive "
                    + EXIT_WAIT.toSeconds() + " s after SIGKILL.");
        }
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** The last {@code lines} lines of the log, under a header saying which process it is and whether it runs. */
    String tail(int lines) {
        List<String> all = output().lines().toList();
        String state = process.isAlive() ? "running" : "exited with " + process.exitValue();
        StringBuilder text = new StringBuilder("---- ")
                .append(name)
                .append(" (pid ")
                .append(pid())
                .append(", ")
                .append(state)
                .append("), last ")
                .append(Math.min(lines, all.size()))
                .append(" of ")
                .append(all.size())
                .append(" lines of ")
                .append(log)
                .append(" ----\n");
        all.subList(Math.max(0, all.size() - lines), all.size())
                .forEach(l -> text.append(l).append('\n'));
        return text.toString();
    }
}
