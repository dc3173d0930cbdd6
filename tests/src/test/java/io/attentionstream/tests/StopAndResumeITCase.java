package io.attentionstream.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.Window;
import io.attentionstream.job.AttentionJob;
import io.attentionstream.job.JobSetup;
import io.attentionstream.job.StartupChecks;
import io.attentionstream.job.config.JobConfig;
import io.attentionstream.tools.demo.SampleStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stop with a savepoint in the middle of every key's sequence, start again from it (at the same
 * and at a different parallelism): the outputs continue exactly once, and the windows that span
 * the stop hold the right events.
 */
class StopAndResumeITCase extends PipelineTestBase {
    private static final int N = 8;
    private static final int S = 2;

    @ParameterizedTest(name = "resumed at parallelism {0}")
    @ValueSource(ints = {2, 1})
    void outputsContinueExactlyOnceAfterASavepoint(int resumedParallelism, @TempDir Path savepoints) throws Exception {
        Topics topics = Topics.create("savepoint-p" + resumedParallelism);
        List<Event> events =
                Streams.endingEveryKey(new SampleStream(InputKind.FEATURES, 4, 50, 64, 1000, 0, 3).events());
        int split = events.size() / 2;
        JobConfig.Builder config = config(topics)
                .model(model("feature_attention"))
                .windowSize(N)
                .stride(S)
                .checkpointIntervalMs(300)
                .batchSize(4);

        JobSetup first = setup(config.parallelism(2));
        StartupChecks.check(first, Duration.ofSeconds(30));
        JobClient running = AttentionJob.kafka(first).start(environment(2, noRestarts()));
        produce(topics, Streams.records(events.subList(0, split)));
        awaitCommitted(topics.output(), 1);
        String savepoint = running.stopWithSavepoint(
                        false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get();

        produce(topics, Streams.records(events.subList(split, events.size())));
        JobSetup resumed = setup(config.parallelism(resumedParallelism));
        Configuration restore = noRestarts();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        JobClient again = AttentionJob.kafka(resumed).start(environment(resumedParallelism, restore));
        List<Window> expected = ReferenceWindows.of(events, N, S);
        try {
            awaitCommitted(topics.output(), expected.size());
            awaitCommitted(topics.weights(), expected.size());
        } finally {
            again.cancel().get();
        }

        assertThat(spanning(expected, events.subList(0, split)))
                .as("windows that span the stop")
                .isNotEmpty();
        ExactlyOnce.assertOutputs(
                topics,
                events,
                N,
                S,
                "feature_attention",
                readCommitted(topics.output(), AttentionOutput.class),
                readCommitted(topics.weights(), AttentionWeights.class));
    }

    /** Windows holding events produced both before and after the stop. */
    private static List<Window> spanning(List<Window> windows, List<Event> beforeStop) {
        Set<String> before = new HashSet<>();
        for (Event e : beforeStop) {
            before.add(e.key + "@" + e.position);
        }
        return windows.stream()
                .filter(w ->
                        before.contains(w.key + "@" + w.startPosition) && !before.contains(w.key + "@" + w.endPosition))
                .toList();
    }

    private static Configuration noRestarts() {
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return config;
    }
}
