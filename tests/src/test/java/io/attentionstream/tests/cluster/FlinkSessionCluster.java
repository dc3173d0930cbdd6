package io.attentionstream.tests.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Flink session cluster of real processes on loopback: one JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and N TaskManagers ({@code TaskManagerRunner}),
 * each its own JVM with a distribution's {@code lib/} on the class path ({@link FlinkLibClasspath})
 * and a {@code config.yaml} in a temporary conf dir. Jobs are submitted as a user would, with
 * {@code flink run -d} ({@code CliFrontend} in its own JVM). A TaskManager can be killed with
 * SIGKILL. {@link #close()} kills every process and deletes the temporary directory.
 */
public final class FlinkSessionCluster implements AutoCloseable {
    static final String JOB_MANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    static final String CLI_MAIN = "org.apache.flink.client.cli.CliFrontend";

    /** The file Flink 2.x reads from {@code --configDir} / FLINK_CONF_DIR (GlobalConfiguration.FLINK_CONF_FILENAME). */
    static final String CONFIG_FILE = "config.yaml";

    private static final String LOOPBACK = "127.0.0.1";
    private static final int SLOTS_PER_TASK_MANAGER = 2;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration SUBMIT_TIMEOUT = Duration.ofSeconds(120);
    private static final int TAIL_LINES = 40;
    private static final Pattern JOB_ID = Pattern.compile("Job has been submitted with JobID ([0-9a-f]{32})");

    /**
     * Resources of each process, set in full because no start script computes them (a TaskManager
     * started without bin/taskmanager.sh refuses to guess; CPU cores as the script sets them, one
     * per slot). TaskManager, 1 GiB:
     * framework heap 64 + task heap 320 + framework off-heap 64 + task off-heap 64 + network 64
     * + managed 64 + metaspace 256 + overhead 128 = 1024 MiB. The JVM flags are what Flink's
     * scripts derive from these: heap = framework + task heap; direct = off-heaps + network.
     */
    private static final Map<String, String> TASK_MANAGER_RESOURCES = ordered(
            "taskmanager.cpu.cores", Integer.toString(SLOTS_PER_TASK_MANAGER),
            "taskmanager.memory.process.size", "1024m",
            "taskmanager.memory.framework.heap.size", "64m",
            "taskmanager.memory.task.heap.size", "320m",
            "taskmanager.memory.framework.off-heap.size", "64m",
            "taskmanager.memory.task.off-heap.size", "64m",
            "taskmanager.memory.network.min", "64m",
            "taskmanager.memory.network.max", "64m",
            "taskmanager.memory.managed.size", "64m",
            "taskmanager.memory.jvm-metaspace.size", "256m",
            "taskmanager.memory.jvm-overhead.min", "128m",
            "taskmanager.memory.jvm-overhead.max", "128m");

    private static final List<String> TASK_MANAGER_JVM =
            List.of("-Xms384m", "-Xmx384m", "-XX:MaxDirectMemorySize=192m", "-XX:MaxMetaspaceSize=256m");

    /** JobManager, 1 GiB: heap 512 + off-heap 128 + metaspace 256 + overhead 128. */
    private static final Map<String, String> JOB_MANAGER_MEMORY = ordered(
            "jobmanager.memory.process.size", "1024m",
            "jobmanager.memory.heap.size", "512m",
            "jobmanager.memory.off-heap.size", "128m",
            "jobmanager.memory.jvm-metaspace.size", "256m",
            "jobmanager.memory.jvm-overhead.min", "128m",
            "jobmanager.memory.jvm-overhead.max", "128m");

    private static final List<String> JOB_MANAGER_JVM = List.of("-Xms512m", "-Xmx512m", "-XX:MaxMetaspaceSize=256m");
    private static final List<String> CLIENT_JVM = List.of("-Xmx512m");

    private final Path home;
    private final Path confDir;
    private final String classpath;
    private final int restPort;
    private final FlinkRestApi rest;
    private final List<JvmProcess> processes = new ArrayList<>();
    private final List<JvmProcess> taskManagers = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::killAll, "flink-session-cluster-shutdown");
    private boolean closed;

    private FlinkSessionCluster(Path home, String classpath, int restPort) {
        this.home = home;
        this.confDir = home.resolve("conf");
        this.classpath = classpath;
        this.restPort = restPort;
        this.rest = new FlinkRestApi(URI.create("http://" + LOOPBACK + ":" + restPort + "/"));
    }

    /**
     * Starts a JobManager and {@code taskManagers} TaskManagers of two slots each and returns once
     * all of them are registered.
     *
     * @param libJars jars a cluster's lib/ holds beyond Flink's own (here ONNX Runtime); put first on the class path
     */
    public static FlinkSessionCluster start(int taskManagers, List<Path> libJars) {
        if (taskManagers < 1) {
            throw new IllegalArgumentException(
                    "A session cluster needs at least one TaskManager, got " + taskManagers + ".");
        }
        String classpath = FlinkLibClasspath.of(System.getProperty("java.class.path"), libJars);
        FlinkSessionCluster cluster;
        try {
            cluster = new FlinkSessionCluster(
                    Files.createTempDirectory("attention-stream-flink-"), classpath, freePort());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the cluster's temporary directory: " + e.getMessage(), e);
        }
        try {
            cluster.writeConfig(freePort());
            Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
            cluster.startJobManager();
            for (int i = 0; i < taskManagers; i++) {
                cluster.startTaskManager(i);
            }
            cluster.awaitTaskManagers(taskManagers);
            return cluster;
        } catch (RuntimeException | Error e) {
            String logs = cluster.logTails();
            cluster.close();
            throw new IllegalStateException(
                    "The Flink session cluster did not start: " + e.getMessage() + "\n" + logs, e);
        }
    }

    public FlinkRestApi rest() {
        return rest;
    }

    /** The resource id TaskManager {@code i} registers with, as the REST API shows it. */
    public static String taskManagerId(int i) {
        return "tm-" + i;
    }

    public int taskManagerCount() {
        return taskManagers.size();
    }

    /**
     * Submits a job jar detached, as {@code flink run -d -m 127.0.0.1:<rest port> JAR ARGS} does,
     * in its own JVM with FLINK_CONF_DIR set, and returns the job id the client printed.
     */
    public String runDetached(Path jobJar, List<String> programArgs) {
        List<String> args = new ArrayList<>(List.of(
                "run",
                "-d",
                "-m",
                LOOPBACK + ":" + restPort,
                jobJar.toAbsolutePath().toString()));
        args.addAll(programArgs);
        JvmProcess client = start("flink-run", CLIENT_JVM, CLI_MAIN, args);
        if (!client.waitFor(SUBMIT_TIMEOUT)) {
            client.kill();
            throw new IllegalStateException("flink run did not return within " + SUBMIT_TIMEOUT.toSeconds() + " s.\n"
                    + client.tail(TAIL_LINES));
        }
        Matcher id = JOB_ID.matcher(client.output());
        if (client.exitCode() != 0 || !id.find()) {
            throw new IllegalStateException("flink run exited with " + client.exitCode()
                    + " without submitting the job.\n" + client.tail(TAIL_LINES * 2));
        }
        return id.group(1);
    }

    /** Sends SIGKILL to TaskManager {@code i} and returns once the process is gone. */
    public void killTaskManager(int i) {
        JvmProcess taskManager = taskManagers.get(i);
        if (!taskManager.isAlive()) {
            throw new IllegalStateException(taskManager.name() + " is not running.");
        }
        taskManager.kill();
    }

    /** The end of every process's log, for failure messages. */
    public String logTails() {
        return processes.stream().map(p -> p.tail(TAIL_LINES)).collect(Collectors.joining("\n"));
    }

    /** Kills every process (SIGKILL: nothing of the cluster needs to survive a test) and deletes the temporary directory. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // The JVM is shutting down (the hook runs) or the hook was never added.
        }
        deleteRecursively(home);
    }

    /** SIGKILL to all at once, then waits for each, so that one slow process does not spare the others. */
    private void killAll() {
        processes.forEach(JvmProcess::sendKill);
        processes.forEach(JvmProcess::kill);
    }

    private void writeConfig(int jobManagerRpcPort) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("jobmanager.rpc.address", LOOPBACK);
        config.put("jobmanager.rpc.port", Integer.toString(jobManagerRpcPort));
        config.put("jobmanager.bind-host", LOOPBACK);
        config.put("rest.address", LOOPBACK);
        config.put("rest.bind-address", LOOPBACK);
        config.put("rest.port", Integer.toString(restPort));
        config.put("taskmanager.host", LOOPBACK);
        config.put("taskmanager.bind-host", LOOPBACK);
        config.put("taskmanager.numberOfTaskSlots", Integer.toString(SLOTS_PER_TASK_MANAGER));
        // Flink 2.x: replaces 1.x's cluster.evenly-spread-out-slots, which it no longer reads.
        config.put("taskmanager.load-balance.mode", "SLOTS");
        // ONNX Runtime's native library loads once per JVM: its classes must come from lib/ on every restart.
        config.put("classloader.parent-first-patterns.additional", "ai.onnxruntime.");
        // A killed TaskManager is noticed within seconds, not the default 50.
        config.put("heartbeat.interval", "1000");
        config.put("heartbeat.timeout", "5000");
        config.put("restart-strategy.type", "fixed-delay");
        config.put("restart-strategy.fixed-delay.attempts", "10");
        config.put("restart-strategy.fixed-delay.delay", "1 s");
        config.put("execution.checkpointing.storage", "filesystem");
        config.put(
                "execution.checkpointing.dir",
                home.resolve("checkpoints").toUri().toString());
        config.put("blob.storage.directory", home.resolve("blobs").toString());
        config.put("web.tmpdir", home.resolve("web").toString());
        config.put("io.tmp.dirs", home.resolve("tmp").toString());
        // The REST API serves metrics from a cache the JobManager refreshes this often.
        config.put("metrics.fetcher.update-interval", "1000");
        config.putAll(JOB_MANAGER_MEMORY);
        config.putAll(TASK_MANAGER_RESOURCES);

        StringBuilder yaml = new StringBuilder("# Written by FlinkSessionCluster for one test run.\n");
        config.forEach((k, v) ->
                yaml.append(k).append(": '").append(v.replace("'", "''")).append("'\n"));
        try {
            Files.createDirectories(confDir);
            Files.createDirectories(home.resolve("tmp"));
            Files.writeString(confDir.resolve(CONFIG_FILE), yaml, StandardCharsets.UTF_8);
            Files.writeString(
                    confDir.resolve("log4j.properties"),
                    String.join(
                            "\n",
                            "rootLogger.level = INFO",
                            "rootLogger.appenderRef.out.ref = out",
                            "appender.out.type = Console",
                            "appender.out.name = out",
                            "appender.out.target = SYSTEM_OUT",
                            "appender.out.layout.type = PatternLayout",
                            "appender.out.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} [%t] - %m%n",
                            "logger.kafka.name = org.apache.kafka",
                            "logger.kafka.level = WARN",
                            ""),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the cluster's conf dir " + confDir + ": " + e.getMessage(), e);
        }
    }

    private void startJobManager() {
        start(
                "jobmanager",
                JOB_MANAGER_JVM,
                JOB_MANAGER_MAIN,
                List.of("--configDir", confDir.toString(), "-D", "io.tmp.dirs=" + processTmp("jobmanager")));
    }

    private void startTaskManager(int i) {
        String name = "taskmanager-" + i;
        taskManagers.add(start(
                name,
                TASK_MANAGER_JVM,
                TASK_MANAGER_MAIN,
                List.of(
                        "--configDir",
                        confDir.toString(),
                        "-D",
                        "taskmanager.resource-id=" + taskManagerId(i),
                        "-D",
                        "io.tmp.dirs=" + processTmp(name))));
    }

    private JvmProcess start(String name, List<String> heap, String mainClass, List<String> args) {
        List<String> jvm = new ArrayList<>(heap);
        // Native libraries (ONNX Runtime's) are unpacked to java.io.tmpdir; keep them in the cluster's folder.
        jvm.add("-Djava.io.tmpdir=" + processTmp(name));
        jvm.add("-Dlog4j.configurationFile="
                + confDir.resolve("log4j.properties").toUri());
        JvmProcess process = JvmProcess.start(
                name,
                jvm,
                classpath,
                mainClass,
                args,
                Map.of("FLINK_CONF_DIR", confDir.toString()),
                home.resolve(name + ".log"));
        processes.add(process);
        return process;
    }

    private Path processTmp(String name) {
        Path dir = home.resolve("tmp").resolve(name);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    private void awaitTaskManagers(int expected) {
        Polling.await(
                expected + " TaskManagers with " + SLOTS_PER_TASK_MANAGER + " slots each registered at " + rest.base(),
                START_TIMEOUT,
                () -> {
                    processes.stream().filter(p -> !p.isAlive()).findFirst().ifPresent(p -> {
                        throw new IllegalStateException("The " + p.name() + " process exited with " + p.exitCode()
                                + " while the cluster started.");
                    });
                    JsonNode overview = rest.get("/overview");
                    return overview.path("taskmanagers").asInt() == expected
                            && overview.path("slots-total").asInt() == expected * SLOTS_PER_TASK_MANAGER;
                },
                () -> "processes: "
                        + processes.stream()
                                .map(p -> p.name() + (p.isAlive() ? " alive" : " dead"))
                                .toList());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + LOOPBACK + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> ordered(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot delete the cluster's temporary directory " + dir + ": " + e.getMessage(), e);
        }
    }
}
