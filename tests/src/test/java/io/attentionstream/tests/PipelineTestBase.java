package io.attentionstream.tests;

import io.attentionstream.core.golden.GoldenCase;
import io.attentionstream.job.AttentionJob;
import io.attentionstream.job.JobSetup;
import io.attentionstream.job.StartupChecks;
import io.attentionstream.job.config.JobConfig;
import io.attentionstream.job.kafka.KafkaTopics;
import io.attentionstream.tests.cluster.Polling;
import io.attentionstream.tools.cli.ProduceCommand;
import io.attentionstream.tools.demo.SampleStream;
import io.attentionstream.tools.kafka.AvroRecords;
import io.attentionstream.tools.local.LocalKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Shared fixtures of the end-to-end tests: one Flink MiniCluster for the whole test JVM and one
 * real Kafka broker (KRaft, over TCP on loopback) per class ({@link SharedHarness}), fresh topics per test,
 * the job built exactly as the CLI builds it, and committed results read back with read_committed.
 */
abstract class PipelineTestBase {
    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger TOPIC_SETS = new AtomicInteger();

    @RegisterExtension
    static final SharedHarness HARNESS = new SharedHarness();

    /** The broker of the running class: the harness's, unless the class sets up its own in a {@code @BeforeAll}. */
    static LocalKafka kafka;

    @BeforeAll
    static void useClassBroker() {
        kafka = SharedHarness.kafka();
    }

    /** The four topics of one job run, created empty with two partitions each. */
    record Topics(String input, String output, String weights, String dlq) {
        static Topics create(String name) {
            String prefix = name + "-" + TOPIC_SETS.incrementAndGet();
            Topics t = new Topics(prefix + ".input", prefix + ".output", prefix + ".weights", prefix + ".dlq");
            kafka.createTopics(2, t.input, t.output, t.weights, t.dlq);
            return t;
        }

        /**
         * The transactional id prefix of jobs on these topics: jobs of all tests share one broker,
         * and transactional ids must be unique per job there. A job resumed on the same topics
         * (from a savepoint) gets the same prefix, as it must.
         */
        String transactionalIdPrefix() {
            return input.substring(0, input.length() - ".input".length());
        }

        /** The same as flags, for tests that run the CLI or submit the jar. */
        String[] args() {
            return new String[] {
                "--input-topic",
                input,
                "--output-topic",
                output,
                "--weights-topic",
                weights,
                "--dlq-topic",
                dlq,
                "--transactional-id-prefix",
                transactionalIdPrefix()
            };
        }
    }

    static Path model(String name) {
        return GoldenCase.modelFile(name);
    }

    static void produce(Topics topics, List<SampleStream.Record> records) {
        ProduceCommand.send(kafka.clientProperties(), topics.input(), records, 0);
    }

    /** A configuration on the test broker and these topics; the test sets the rest. */
    static JobConfig.Builder config(Topics topics) {
        return JobConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .topics(topics.input(), topics.output(), topics.weights(), topics.dlq())
                .transactionalIdPrefix(topics.transactionalIdPrefix());
    }

    /** Checks the configuration and resolves it against its model, as `attention-stream run` does. */
    static JobSetup setup(JobConfig.Builder config) {
        return JobSetup.resolve(config.build());
    }

    /** Runs the job bounded to the end of its input; a failure (no restarts allowed) throws. */
    static void runBounded(JobSetup setup, int parallelism) throws Exception {
        StartupChecks.check(setup, Duration.ofSeconds(30));
        AttentionJob.kafka(setup).execute(environment(parallelism));
    }

    /**
     * An environment of the shared MiniCluster that fails instead of restarting: bad records never
     * fail the job, so a failure here is a bug to see, not to retry.
     */
    static StreamExecutionEnvironment environment(int parallelism) {
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return environment(parallelism, config);
    }

    /** An environment of the shared MiniCluster with this job configuration (restart strategy, savepoint to restore, ...). */
    static StreamExecutionEnvironment environment(int parallelism, Configuration jobConfig) {
        return SharedHarness.environment(parallelism, jobConfig);
    }

    static <T extends SpecificRecord> List<T> readCommitted(String topic, Class<T> type) {
        List<T> records = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTopics.readCommitted(kafka.clientProperties(), topic, READ_TIMEOUT)) {
            records.add(AvroRecords.decode(r.value(), type));
        }
        return records;
    }

    /** Polls the topic (read_committed) until it holds at least {@code count} records. */
    static void awaitCommitted(String topic, int count) {
        int[] last = {0};
        Polling.await(
                count + " committed records on " + topic,
                Duration.ofSeconds(120),
                () -> {
                    last[0] = readCommittedRaw(topic).size();
                    return last[0] >= count;
                },
                () -> "last count " + last[0]);
    }

    static List<ConsumerRecord<byte[], byte[]>> readCommittedRaw(String topic) {
        return KafkaTopics.readCommitted(kafka.clientProperties(), topic, READ_TIMEOUT);
    }
}
