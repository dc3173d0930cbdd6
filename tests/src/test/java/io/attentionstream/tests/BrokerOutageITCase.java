package io.attentionstream.tests;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.window.Event;
import io.attentionstream.job.AttentionJob;
import io.attentionstream.job.JobSetup;
import io.attentionstream.job.StartupChecks;
import io.attentionstream.tools.demo.SampleStream;
import io.attentionstream.tools.local.LocalKafka;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kafka broker stops in the middle of the stream and comes back: the job rides it out (its
 * clients reconnect, or Flink restarts it from the last checkpoint) and the output is exactly once.
 * The class has a broker of its own (the base's helpers use it); the job runs on the shared MiniCluster.
 */
class BrokerOutageITCase extends PipelineTestBase {
    private static final int N = 8;
    private static final int S = 2;

    /** Stopped and restarted by the test, so not the shared broker. */
    private static LocalKafka ownBroker;

    @BeforeAll
    static void restartableBroker() {
        // A broker whose controller notices a lost broker quickly, so that a restart takes
        // seconds rather than the default session timeout.
        ownBroker = LocalKafka.start(LocalKafka.Options.builder()
                .brokerProperty("broker.session.timeout.ms", "2000")
                .brokerProperty("broker.heartbeat.interval.ms", "500")
                .build());
        kafka = ownBroker;
    }

    @AfterAll
    static void stopOwnBroker() {
        ownBroker.close();
    }

    @Test
    void outputIsExactlyOnceAcrossABrokerRestart() throws Exception {
        Topics topics = Topics.create("outage");
        List<Event> events =
                Streams.endingEveryKey(new SampleStream(InputKind.FEATURES, 4, 50, 64, 1000, 0, 31).events());
        int split = events.size() / 2;
        JobSetup setup = setup(config(topics)
                .model(model("feature_attention"))
                .windowSize(N)
                .stride(S)
                .checkpointIntervalMs(500)
                .batchSize(4)
                .parallelism(2)
                .kafkaProperty("reconnect.backoff.max.ms", "500")
                .kafkaProperty("request.timeout.ms", "5000"));
        StartupChecks.check(setup, Duration.ofSeconds(30));
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 30);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        JobClient job = AttentionJob.kafka(setup).start(environment(2, config));
        try {
            produce(topics, Streams.records(events.subList(0, split)));
            awaitCommitted(topics.output(), 1);

            kafka.stopBroker();
            kafka.restartBroker();

            produce(topics, Streams.records(events.subList(split, events.size())));
            int expected = ReferenceWindows.of(events, N, S).size();
            awaitCommitted(topics.output(), expected);
            awaitCommitted(topics.weights(), expected);
        } finally {
            job.cancel().get();
        }
        ExactlyOnce.assertOutputs(
                topics,
                events,
                N,
                S,
                "feature_attention",
                readCommitted(topics.output(), AttentionOutput.class),
                readCommitted(topics.weights(), AttentionWeights.class));
    }
}
