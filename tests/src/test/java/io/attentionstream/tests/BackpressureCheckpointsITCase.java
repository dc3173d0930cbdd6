package io.attentionstream.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.window.Event;
import io.attentionstream.job.AttentionJob;
import io.attentionstream.job.JobSetup;
import io.attentionstream.job.StartupChecks;
import io.attentionstream.tools.demo.SampleStream;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.junit.jupiter.api.Test;

/**
 * Under backpressure (a slow sink path, with seconds of events queued in the network buffers),
 * checkpoints still complete within their timeout: the job turns a checkpoint unaligned after a
 * second of alignment, and the batch is flushed before each barrier, so a barrier waits neither
 * for the queue nor for a batch timer. No checkpoint expires (the job tolerates none), and the
 * output stays exactly once.
 */
class BackpressureCheckpointsITCase extends PipelineTestBase {
    private static final int N = 8;
    private static final Duration CHECKPOINT_TIMEOUT = Duration.ofSeconds(5);

    @Test
    void checkpointsCompleteWithinTheirTimeoutUnderBackpressure() throws Exception {
        Topics topics = Topics.create("backpressure");
        List<Event> events =
                Streams.endingEveryKey(new SampleStream(InputKind.FEATURES, 4, 400, 64, 1000, 0, 51).events());
        produce(topics, Streams.records(events));
        JobSetup setup = setup(config(topics)
                .model(model("feature_attention"))
                .windowSize(N)
                .stride(1)
                .checkpointIntervalMs(200)
                .batchSize(8)
                .bounded(true)
                .parallelism(2));
        StartupChecks.check(setup, Duration.ofSeconds(30));
        SlowCheckpointCounter<AttentionOutput> slow = new SlowCheckpointCounter<>("slow-sink-path", 8);
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        config.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, CHECKPOINT_TIMEOUT);
        // No tolerated checkpoint failure: a checkpoint that expires fails the job, so a job that
        // finishes proves none did. (Checkpoints declined while tasks finish at the end of the
        // bounded input are aborted too, but Flink does not count those as failures.)
        config.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, 0);

        long start = System.nanoTime();
        AttentionJob.kafka(setup).withOutputTap(slow).execute(environment(2, config));
        double seconds = (System.nanoTime() - start) / 1e9;

        int windows = ReferenceWindows.of(events, N, 1).size();
        assertThat(seconds)
                .as("the slow path really held the job back (%d windows × 8 ms over 2 subtasks)", windows)
                .isGreaterThan(windows * 0.008 / 2 * 0.8);
        assertThat(slow.completed())
                .as(
                        "checkpoints completed while backpressured over %.1f s (%d declined as tasks finished)",
                        seconds, slow.aborted())
                .isGreaterThanOrEqualTo(3);
        ExactlyOnce.assertOutputs(
                topics,
                events,
                N,
                1,
                "feature_attention",
                readCommitted(topics.output(), AttentionOutput.class),
                readCommitted(topics.weights(), AttentionWeights.class));
    }
}
