package io.attentionstream.tests;

import static io.attentionstream.core.golden.Tolerance.VS_PYTORCH;
import static io.attentionstream.core.golden.Tolerance.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.core.model.AttentionModel;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.core.model.WindowInference;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.Window;
import io.attentionstream.job.AttentionJob;
import io.attentionstream.job.JobSetup;
import io.attentionstream.job.StartupChecks;
import io.attentionstream.job.config.JobConfig;
import io.attentionstream.job.config.Mode;
import io.attentionstream.tests.cluster.Polling;
import io.attentionstream.tools.demo.SampleStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * {@code --mode incremental} end to end: one output per accepted event, equal to the last row of
 * the full window model on the same window (the key's last n events since its last flush), also
 * after a task failure and restore, which shows the key/value cache survives a restart.
 */
class IncrementalModeITCase extends PipelineTestBase {
    private static final int N = 8;

    @Test
    void everyEventsRowEqualsTheLastRowOfTheFullModel() throws Exception {
        Topics topics = Topics.create("incremental");
        List<Event> events = flushMidway(new SampleStream(InputKind.FEATURES, 3, 30, 64, 1000, 0, 41).events());
        produce(topics, Streams.records(events));
        runBounded(setup(incrementalConfig(topics).bounded(true)), 2);
        assertEqualsFullModel(events, topics);
    }

    @Test
    void theCacheSurvivesARestart() throws Exception {
        Topics topics = Topics.create("incremental-failover");
        List<Event> events = flushMidway(new SampleStream(InputKind.FEATURES, 3, 40, 64, 1000, 0, 43).events());
        FailOnceAfterCheckpoint<AttentionOutput> failure = new FailOnceAfterCheckpoint<>("incremental-outputs");
        JobSetup setup = setup(incrementalConfig(topics));
        StartupChecks.check(setup, Duration.ofSeconds(30));
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        JobClient job = AttentionJob.kafka(setup).withOutputTap(failure).start(environment(2, config));
        try {
            produce(topics, Streams.records(events.subList(0, events.size() / 2)));
            Polling.await(
                    "a completed checkpoint",
                    Duration.ofSeconds(60),
                    failure::checkpointed,
                    () -> "no checkpoint completed yet");
            produce(topics, Streams.records(events.subList(events.size() / 2, events.size())));
            awaitCommitted(topics.output(), events.size());
        } finally {
            job.cancel().get();
        }
        assertThat(failure.failures()).isEqualTo(1);
        assertEqualsFullModel(events, topics);
    }

    private static JobConfig.Builder incrementalConfig(Topics topics) {
        return config(topics)
                .mode(Mode.INCREMENTAL)
                .model(model("incremental_feature_attention"))
                .windowSize(N)
                .stride(1)
                .checkpointIntervalMs(300)
                .batchSize(4)
                .parallelism(2);
    }

    /** Ends every key's sequence halfway through and at the end, so windows restart after a flush. */
    private static List<Event> flushMidway(List<Event> events) {
        Map<String, List<Event>> byKey =
                events.stream().collect(Collectors.groupingBy(e -> e.key, LinkedHashMap::new, Collectors.toList()));
        byKey.values().forEach(list -> list.get(list.size() / 2).endingSequence());
        return Streams.endingEveryKey(events);
    }

    /** Each event's window: the key's last n events since its last flush, ending with it. */
    private static List<Window> windowsPerEvent(List<Event> events) {
        Map<String, List<Event>> since = new HashMap<>();
        List<Window> windows = new ArrayList<>();
        for (Event e : events) {
            List<Event> current = since.computeIfAbsent(e.key, k -> new ArrayList<>());
            current.add(e);
            List<Event> window = current.subList(Math.max(0, current.size() - N), current.size());
            float[] features = new float[window.size() * 64];
            for (int i = 0; i < window.size(); i++) {
                System.arraycopy(window.get(i).features, 0, features, i * 64, 64);
            }
            Event first = window.get(0);
            windows.add(Window.ofFeatures(
                    e.key, first.position, e.position, first.timestamp, e.timestamp, window.size(), features));
            if (e.endOfSequence) {
                current.clear();
            }
        }
        return windows;
    }

    private static void assertEqualsFullModel(List<Event> events, Topics topics) {
        List<AttentionOutput> outputs = readCommitted(topics.output(), AttentionOutput.class);
        List<AttentionWeights> weights = readCommitted(topics.weights(), AttentionWeights.class);
        Map<String, AttentionOutput> outputById = outputs.stream()
                .collect(Collectors.toMap(
                        o -> ReferenceWindows.id(o.getKey(), o.getWindowStartPosition(), o.getWindowEndPosition()),
                        o -> o,
                        (a, b) -> {
                            throw new AssertionError("output twice: " + a.getKey() + " " + a.getWindowEndPosition());
                        }));
        Map<String, AttentionWeights> weightsById = weights.stream()
                .collect(Collectors.toMap(
                        w -> ReferenceWindows.id(w.getKey(), w.getWindowStartPosition(), w.getWindowEndPosition()),
                        w -> w));
        List<Window> expected = windowsPerEvent(events);
        assertThat(outputs).as("one output per event").hasSize(expected.size());
        assertThat(weights).as("one weights row per event").hasSize(expected.size());
        try (AttentionModel full = AttentionModel.load(model("feature_attention"), ModelConfig.defaults())) {
            for (Window w : expected) {
                String id = ReferenceWindows.id(w.key, w.startPosition, w.endPosition);
                WindowInference last = full.run(List.of(w), OutputRows.LAST, WeightsMode.LAST_ROW)
                        .results()
                        .get(0);
                AttentionOutput out = outputById.get(id);
                assertThat(out).as("output of %s", id).isNotNull();
                assertThat(out.getRows()).isEqualTo(1);
                assertThat(out.getLength()).isEqualTo(w.length);
                assertThat(maxAbsDiff(ExactlyOnce.floats(out.getOutput()), last.output()))
                        .as("output of %s", id)
                        .isLessThanOrEqualTo(VS_PYTORCH);
                assertThat(maxAbsDiff(ExactlyOnce.floats(weightsById.get(id).getWeights()), last.weights()))
                        .as("weights of %s", id)
                        .isLessThanOrEqualTo(VS_PYTORCH);
            }
        }
    }
}
