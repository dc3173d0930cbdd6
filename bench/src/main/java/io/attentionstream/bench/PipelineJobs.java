package io.attentionstream.bench;

import io.attentionstream.job.AttentionJob;
import io.attentionstream.job.JobSetup;
import io.attentionstream.job.StartupChecks;
import io.attentionstream.job.config.JobConfig;
import io.attentionstream.job.kafka.KafkaConnections;
import io.attentionstream.tools.LocalRun;
import io.attentionstream.tools.local.LocalKafka;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.core.execution.JobClient;

/**
 * The pipeline path's jobs: set up on fresh topics with the configuration {@code run} makes,
 * started on a MiniCluster in this JVM without waiting, cancelled at the end of a measurement.
 *
 * <p>This is the only class of the module that knows how the job is configured
 * ({@link JobConfig}, {@link JobSetup}); the rest sees a {@link Prepared} job and its topics.
 */
final class PipelineJobs {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    /** A job set up on its own topics, not started yet. */
    static final class Prepared {
        private final JobSetup setup;

        private Prepared(JobSetup setup) {
            this.setup = setup;
        }

        String inputTopic() {
            return setup.config().inputTopic();
        }

        String outputTopic() {
            return setup.config().outputTopic();
        }
    }

    private PipelineJobs() {}

    static Map<String, Object> settings(Prepared prepared, BenchSettings s) {
        JobConfig o = prepared.setup.config();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("model", o.model().getFileName().toString());
        settings.put("batch_size", o.batchSize());
        settings.put("batch_timeout_ms", o.batchTimeoutMs());
        settings.put("intra_op_threads", o.intraOpThreads());
        settings.put("parallelism", s.parallelism());
        settings.put("partitions", s.parallelism());
        settings.put("weights", o.weights().cliName());
        settings.put("output_rows", o.effectiveOutputRows().cliName());
        settings.put("checkpoint_interval_ms", o.checkpointIntervalMs());
        settings.put("sinks", s.sinks().cliName());
        settings.put("keys", s.keys());
        return settings;
    }

    static Prepared prepare(LocalKafka kafka, String prefix, int n, BenchSettings s) {
        String input = prefix + ".input";
        String output = prefix + ".output";
        String weights = prefix + ".weights";
        String dlq = prefix + ".dlq";
        kafka.createTopics(s.parallelism(), input, output, weights, dlq);
        JobConfig config = JobConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .topics(input, output, weights, dlq)
                .model(s.model())
                .windowSize(n)
                .stride(BenchSettings.STRIDE)
                .batchSize(s.batchSize())
                .batchTimeoutMs(s.batchTimeoutMs())
                .weights(s.weights())
                .outputRows(s.outputRows())
                .checkpointIntervalMs(s.checkpointIntervalMs())
                .parallelism(s.parallelism())
                .intraOpThreads(s.threads())
                .groupId(prefix)
                .transactionalIdPrefix(prefix)
                .build();
        JobSetup setup = JobSetup.resolve(config);
        StartupChecks.check(setup, Duration.ofSeconds(30));
        return new Prepared(setup);
    }

    static JobClient start(Prepared prepared, SinkMode sinks) throws Exception {
        JobSetup setup = prepared.setup;
        JobClient job =
                job(setup, sinks).start(LocalRun.environment(setup.config().parallelism()));
        Waits.await("the job to run", START_TIMEOUT, () -> status(job) == JobStatus.RUNNING);
        return job;
    }

    static void cancel(JobClient job) {
        try {
            job.cancel().get(60, TimeUnit.SECONDS);
            // The MiniCluster of an async local run shuts down once its job has ended.
            Waits.awaitQuietly(Duration.ofSeconds(30), () -> {
                JobStatus st = status(job);
                return st == null || st.isGloballyTerminalState();
            });
        } catch (Exception e) {
            throw new IllegalStateException("Could not cancel the benchmark's pipeline job: " + e.getMessage(), e);
        }
    }

    private static JobStatus status(JobClient job) {
        try {
            return job.getJobStatus().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // A finished job's MiniCluster may be gone already.
            return null;
        }
    }

    /** The job with the sinks of {@code mode}: the job's own, or the same serializers with other delivery settings. */
    private static AttentionJob job(JobSetup setup, SinkMode mode) {
        if (mode == SinkMode.EXACTLY_ONCE) {
            return AttentionJob.kafka(setup);
        }
        JobConfig o = setup.config();
        return new AttentionJob(
                setup,
                KafkaConnections.source(setup),
                sink(setup, mode, "output", o.outputTopic(), KafkaConnections.outputSerializer(o.outputTopic())),
                sink(setup, mode, "weights", o.weightsTopic(), KafkaConnections.weightsSerializer(o.weightsTopic())),
                sink(setup, mode, "dlq", o.dlqTopic(), KafkaConnections.deadLetterSerializer(o.dlqTopic())));
    }

    /** The job's sink (see KafkaConnections) with the delivery settings of {@code mode}. */
    private static <T> KafkaSink<T> sink(
            JobSetup setup, SinkMode mode, String role, String topic, KafkaRecordSerializationSchema<T> serializer) {
        KafkaSinkBuilder<T> builder =
                KafkaConnections.sinkBuilder(setup, role, new TopicNamingSerializer<>(serializer, topic));
        if (mode == SinkMode.AT_LEAST_ONCE) {
            builder.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
        } else {
            builder.setTransactionNamingStrategy(TransactionNamingStrategy.POOLING);
        }
        return builder.build();
    }
}
