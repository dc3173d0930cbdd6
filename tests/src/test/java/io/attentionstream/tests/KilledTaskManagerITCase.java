package io.attentionstream.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.avro.RejectReason;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.core.golden.GoldenCase;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.SequenceEventCodec;
import io.attentionstream.core.window.Window;
import io.attentionstream.job.kafka.KafkaTopics;
import io.attentionstream.tests.cluster.FlinkRestApi;
import io.attentionstream.tests.cluster.FlinkSessionCluster;
import io.attentionstream.tests.cluster.Polling;
import io.attentionstream.tools.cli.ProduceCommand;
import io.attentionstream.tools.demo.ExpectedWindows;
import io.attentionstream.tools.demo.SampleStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real cluster and a killed machine: the job jar is submitted with {@code flink run -d} to a
 * session cluster of separate JVMs (one JobManager, two TaskManagers of two slots), and while it
 * processes a stream one TaskManager that runs its tasks gets SIGKILL. The job must restart from
 * its last checkpoint on the surviving TaskManager, and every expected window must still be on
 * the output and weights topics exactly once (read_committed), with the model's values.
 *
 * <p>The stream: {@value #KEYS} keys × {@value #EVENTS_PER_KEY} feature events, stamped from the
 * current time as a live producer's would be. The first
 * {@value #FIRST_PART_EVENTS} events of each key are produced paced, so the job is still busy
 * when the TaskManager dies (the kill waits only for one completed checkpoint and some committed
 * output); the rest follows the kill. Each key's last event carries end_of_sequence, so every
 * window, the last short one included, is emitted without relying on idleness or timing, and the
 * expected windows are exactly {@link ReferenceWindows} of the whole stream.
 */
class KilledTaskManagerITCase extends PipelineTestBase {
    private static final Logger LOG = LoggerFactory.getLogger(KilledTaskManagerITCase.class);

    private static final int N = 8;
    private static final int S = 2;
    private static final int KEYS = 6;
    private static final int EVENTS_PER_KEY = 80;
    private static final int FIRST_PART_EVENTS = 40;
    /** Records per second of the first part: about 5 s of input, a few checkpoints long. */
    private static final int FIRST_PART_RATE = 50;

    private static final String MODEL = "feature_attention";

    private static final Duration JOB_START = Duration.ofSeconds(60);
    private static final Duration FIRST_COMMIT = Duration.ofSeconds(60);
    private static final Duration RECOVERY = Duration.ofSeconds(90);
    private static final Duration ALL_WINDOWS = Duration.ofSeconds(150);
    private static final Duration SHORT_READ = Duration.ofSeconds(10);

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aKilledTaskManagerLosesNoWindowAndDuplicatesNone(TestReporter report) throws Exception {
        long startNanos = System.nanoTime();
        Topics topics = Topics.create("killed-tm");
        List<Event> events =
                liveStream(new SampleStream(InputKind.FEATURES, KEYS, EVENTS_PER_KEY, 64, 1000, 0, 23).events());
        List<SampleStream.Record> firstPart = records(events.stream().filter(e -> e.position < FIRST_PART_EVENTS));
        List<SampleStream.Record> secondPart = records(events.stream().filter(e -> e.position >= FIRST_PART_EVENTS));
        List<Window> expected = ReferenceWindows.of(events, N, S);
        assertThat(expected).hasSize(KEYS * ExpectedWindows.perKey(EVENTS_PER_KEY, N, S));

        try (FlinkSessionCluster cluster =
                FlinkSessionCluster.start(2, List.of(buildOutput("flink-lib/onnxruntime.jar")))) {
            String jobId = cluster.runDetached(jobJar(), jobArgs(topics));
            FlinkRestApi rest = cluster.rest();
            try {
                Polling.await(
                        "job " + jobId + " to run all its tasks",
                        JOB_START,
                        () -> rest.allTasksRunning(jobId),
                        () -> "job state " + rest.jobState(jobId));
                CompletableFuture<Long> firstPartSent = CompletableFuture.supplyAsync(() ->
                        ProduceCommand.send(kafka.clientProperties(), topics.input(), firstPart, FIRST_PART_RATE));

                int committedBeforeKill = Polling.await(
                        "a completed checkpoint and committed output",
                        FIRST_COMMIT,
                        () -> {
                            int committed = committedCount(topics.output());
                            return rest.checkpoints(jobId).completed() >= 1 && committed > 0
                                    ? Optional.of(committed)
                                    : Optional.empty();
                        },
                        () -> "checkpoints " + rest.checkpoints(jobId));
                int victim = taskManagerRunningTasks(cluster, jobId);
                boolean killedMidStream = !firstPartSent.isDone();
                cluster.killTaskManager(victim);
                LOG.info(
                        "Killed {} with {} windows committed; first part still being produced: {}",
                        FlinkSessionCluster.taskManagerId(victim),
                        committedBeforeKill,
                        killedMidStream);

                long produced = firstPartSent.get(60, TimeUnit.SECONDS)
                        + ProduceCommand.send(kafka.clientProperties(), topics.input(), secondPart, 0);
                String survivor = FlinkSessionCluster.taskManagerId(1 - victim);
                Polling.await(
                        "the job to restart on " + survivor + " and complete a checkpoint",
                        RECOVERY,
                        () -> rest.allTasksRunning(jobId)
                                && rest.numRestarts(jobId).orElse(0) >= 1
                                && rest.checkpoints(jobId).restoredId().isPresent()
                                && rest.checkpoints(jobId).completedSinceRestore()
                                && rest.taskManagersRunning(jobId).equals(Set.of(survivor)),
                        () -> "job state " + rest.jobState(jobId) + ", restarts " + rest.numRestarts(jobId) + ", "
                                + rest.checkpoints(jobId) + ", running on " + rest.taskManagersRunning(jobId));

                Polling.await(
                        expected.size() + " committed windows on the output and weights topics",
                        ALL_WINDOWS,
                        () -> committedCount(topics.output()) >= expected.size()
                                && committedCount(topics.weights()) >= expected.size(),
                        () -> progress(topics, expected) + "; records per vertex " + rest.vertexRecords(jobId));

                List<AttentionOutput> outputs = readCommitted(topics.output(), AttentionOutput.class);
                List<AttentionWeights> weights = readCommitted(topics.weights(), AttentionWeights.class);
                Set<String> expectedIds = expected.stream()
                        .map(w -> ReferenceWindows.id(w.key, w.startPosition, w.endPosition))
                        .collect(Collectors.toSet());
                List<String> outputIds = outputs.stream()
                        .map(o -> ReferenceWindows.id(o.getKey(), o.getWindowStartPosition(), o.getWindowEndPosition()))
                        .toList();
                List<String> weightIds = weights.stream()
                        .map(w -> ReferenceWindows.id(w.getKey(), w.getWindowStartPosition(), w.getWindowEndPosition()))
                        .toList();
                long restarts = rest.numRestarts(jobId).orElse(0);
                List<String> failures = rest.failures(jobId);

                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("records produced", produced);
                figures.put("windows expected", expected.size());
                figures.put("outputs received", outputs.size());
                figures.put("weights received", weights.size());
                figures.put("duplicates", duplicates(outputIds) + duplicates(weightIds));
                figures.put("losses", missing(expectedIds, outputIds) + missing(expectedIds, weightIds));
                figures.put("committed before the kill", committedBeforeKill);
                figures.put("killed while the first part was still produced", killedMidStream);
                figures.put("restarts", restarts);
                figures.put("first failure", failures.isEmpty() ? "" : failures.get(failures.size() - 1));
                figures.put("wall time s", (System.nanoTime() - startNanos) / 1_000_000_000.0);
                LOG.info("Killed TaskManager run: {}", figures);
                figures.forEach((k, v) -> report.publishEntry(k, String.valueOf(v)));

                ExactlyOnce.assertOutputs(topics, events, N, S, MODEL, outputs, weights);
                assertThat(readCommittedRaw(topics.dlq()))
                        .as("no dead letter: no replayed event was rejected")
                        .isEmpty();
                assertThat(restarts).as("the job restarted after the kill").isGreaterThanOrEqualTo(1);
                assertThat(failures)
                        .as("the failure history shows the lost TaskManager")
                        .isNotEmpty();
            } catch (Exception | AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + cluster.logTails(), e);
            } finally {
                cancel(rest, jobId);
            }
        }
    }

    /** The program arguments of `flink run JAR ...`: the job unbounded, parallelism 2, a checkpoint a second. */
    private static List<String> jobArgs(Topics topics) {
        String unique = topics.input().replace(".input", "");
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--model",
                GoldenCase.modelFile(MODEL).toAbsolutePath().toString(),
                "--parallelism",
                "2",
                "--checkpoint-interval-ms",
                "1000",
                "--window-size",
                Integer.toString(N),
                "--stride",
                Integer.toString(S),
                "--idle-flush-ms",
                "2000",
                "--batch-size",
                "4",
                "--group-id",
                unique,
                // topics.args() adds the transactional id prefix of these topics.
                // Bounds how long an open transaction of the killed TaskManager could hold back read_committed readers.
                "--transaction-timeout-ms",
                "60000"));
        args.addAll(List.of(topics.args()));
        return args;
    }

    /** A TaskManager on which the job runs subtasks: the first one if it does. */
    private static int taskManagerRunningTasks(FlinkSessionCluster cluster, String jobId) {
        Set<String> hosts = cluster.rest().taskManagersRunning(jobId);
        for (int i = 0; i < cluster.taskManagerCount(); i++) {
            if (hosts.contains(FlinkSessionCluster.taskManagerId(i))) {
                return i;
            }
        }
        throw new AssertionError("The job runs on no TaskManager of the cluster: " + hosts);
    }

    private static void cancel(FlinkRestApi rest, String jobId) {
        try {
            rest.cancel(jobId);
            Polling.await(
                    "job " + jobId + " to be cancelled",
                    Duration.ofSeconds(30),
                    () -> Set.of("CANCELED", "FAILED", "FINISHED").contains(rest.jobState(jobId)),
                    () -> rest.jobState(jobId));
        } catch (RuntimeException | AssertionError e) {
            // The cluster is killed next anyway; a failed cancel must not hide the test's own outcome.
            LOG.warn("Could not cancel job {}: {}", jobId, e.getMessage());
        }
    }

    /**
     * The sample events as a live producer would send them: stamped from now on (same spacing),
     * each key's last event marked end_of_sequence. The job stamps its output records with event
     * time, and the broker's default 7-day retention deletes records stamped in 2023 (the sample
     * stream's epoch) at its first retention pass, 30 s after it starts: output committed by then
     * would vanish.
     */
    private static List<Event> liveStream(List<Event> events) {
        long shift = System.currentTimeMillis() - events.get(0).timestamp;
        Map<String, Event> lastOfKey = new LinkedHashMap<>();
        for (Event e : events) {
            e.timestamp += shift;
            lastOfKey.put(e.key, e);
        }
        lastOfKey.values().forEach(Event::endingSequence);
        return events;
    }

    private static List<SampleStream.Record> records(Stream<Event> events) {
        return events.map(e ->
                        new SampleStream.Record(e.key.getBytes(StandardCharsets.UTF_8), SequenceEventCodec.encode(e)))
                .toList();
    }

    private static int committedCount(String topic) {
        return KafkaTopics.readCommitted(kafka.clientProperties(), topic, SHORT_READ)
                .size();
    }

    /** What is committed so far against what is expected, per key, and the dead letters by reason. */
    private static String progress(Topics topics, List<Window> expected) {
        Map<String, Long> expectedPerKey =
                expected.stream().collect(Collectors.groupingBy(w -> w.key, TreeMap::new, Collectors.counting()));
        Map<String, Long> outputsPerKey = readCommitted(topics.output(), AttentionOutput.class).stream()
                .collect(Collectors.groupingBy(o -> o.getKey().toString(), TreeMap::new, Collectors.counting()));
        Map<RejectReason, Long> deadLetters = readCommitted(topics.dlq(), RejectedRecord.class).stream()
                .collect(Collectors.groupingBy(RejectedRecord::getReason, TreeMap::new, Collectors.counting()));
        Set<String> committed = readCommitted(topics.output(), AttentionOutput.class).stream()
                .map(o -> ReferenceWindows.id(o.getKey(), o.getWindowStartPosition(), o.getWindowEndPosition()))
                .collect(Collectors.toSet());
        List<String> missing = expected.stream()
                .map(w -> ReferenceWindows.id(w.key, w.startPosition, w.endPosition))
                .filter(id -> !committed.contains(id))
                .limit(12)
                .toList();
        return "committed outputs per key " + outputsPerKey + " of " + expectedPerKey + ", weights "
                + committedCount(topics.weights()) + ", dead letters " + deadLetters + ", missing e.g. " + missing;
    }

    private static long duplicates(List<String> ids) {
        return ids.size() - ids.stream().distinct().count();
    }

    private static long missing(Set<String> expected, List<String> ids) {
        return expected.stream().filter(id -> !ids.contains(id)).count();
    }

    /** A file the job module's build makes, under job/target/. */
    private static Path buildOutput(String relative) {
        return GoldenCase.modelsDir()
                .getParent()
                .resolve("job")
                .resolve("target")
                .resolve(relative);
    }

    /** The shaded job jar, as `mvn install` builds it. */
    private static Path jobJar() {
        Path target = buildOutput("");
        try (Stream<Path> jars = Files.list(target)) {
            return jars.filter(p -> p.getFileName().toString().matches("attention-stream-job-.*-flink\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "No job jar in " + target + ": build it with `mvn -B install -DskipTests`."));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot list " + target + ": build the job with `mvn -B install -DskipTests`.", e);
        }
    }
}
