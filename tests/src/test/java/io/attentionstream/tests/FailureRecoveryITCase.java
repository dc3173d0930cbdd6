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
import io.attentionstream.tests.cluster.Polling;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * A task fails after the first completed checkpoint, once between windowing and inference and
 * once in the output sink's path; Flink restarts it from the checkpoint. The output topics, read
 * with read_committed, hold every expected window exactly once.
 */
class FailureRecoveryITCase extends PipelineTestBase {
    private static final int N = 8;
    private static final int S = 2;

    @Test
    void failureBetweenWindowingAndInference() throws Exception {
        FailOnceAfterCheckpoint<Window> tap = new FailOnceAfterCheckpoint<>("windows");
        runWithFailure(tap, job -> job.withWindowTap(tap));
    }

    @Test
    void failureInTheSinkPath() throws Exception {
        FailOnceAfterCheckpoint<AttentionOutput> tap = new FailOnceAfterCheckpoint<>("outputs");
        runWithFailure(tap, job -> job.withOutputTap(tap));
    }

    private void runWithFailure(FailOnceAfterCheckpoint<?> tap, Function<AttentionJob, AttentionJob> inject)
            throws Exception {
        Topics topics = Topics.create("failure-" + tap.hashCode());
        Stream stream = Stream.of(InputKind.FEATURES, 4, 60, 5);
        JobSetup setup = setup(config(topics)
                .model(model("feature_attention"))
                .windowSize(N)
                .stride(S)
                .checkpointIntervalMs(300)
                .batchSize(4)
                .parallelism(2));
        StartupChecks.check(setup, Duration.ofSeconds(30));
        JobClient client = inject.apply(AttentionJob.kafka(setup)).start(restartingEnvironment());
        try {
            produce(topics, stream.firstHalf());
            Polling.await(
                    "a completed checkpoint",
                    Duration.ofSeconds(60),
                    tap::checkpointed,
                    () -> "no checkpoint completed yet");
            produce(topics, stream.secondHalf());

            List<Window> expected = ReferenceWindows.of(stream.events(), N, S);
            awaitCommitted(topics.output(), expected.size());
            awaitCommitted(topics.weights(), expected.size());
        } finally {
            client.cancel().get();
        }
        assertThat(tap.failures()).as("the injected failure happened").isEqualTo(1);
        ExactlyOnce.assertOutputs(
                topics,
                stream.events(),
                N,
                S,
                "feature_attention",
                readCommitted(topics.output(), AttentionOutput.class),
                readCommitted(topics.weights(), AttentionWeights.class));
    }

    private static StreamExecutionEnvironment restartingEnvironment() {
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        return environment(2, config);
    }

    /** Keeps the events of a stream apart from how they are split for producing. */
    record Stream(List<Event> events) {
        static Stream of(InputKind kind, int keys, int eventsPerKey, long seed) {
            return new Stream(Streams.endingEveryKey(
                    new io.attentionstream.tools.demo.SampleStream(kind, keys, eventsPerKey, 64, 1000, 0, seed)
                            .events()));
        }

        List<io.attentionstream.tools.demo.SampleStream.Record> firstHalf() {
            return Streams.records(events.subList(0, events.size() / 2));
        }

        List<io.attentionstream.tools.demo.SampleStream.Record> secondHalf() {
            return Streams.records(events.subList(events.size() / 2, events.size()));
        }
    }
}
