package io.attentionstream.bench;

import io.attentionstream.job.JobSetup;
import io.attentionstream.tools.LocalRun;
import io.attentionstream.job.StartupChecks;
import io.attentionstream.job.config.JobConfig;
import io.attentionstream.tools.local.LocalKafka;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;

/**
 * The pipeline path's jobs: set up on fresh topics with the configuration {@code run} makes,
 * started on a MiniCluster in this JVM without waiting, cancelled at the end of a measurement.
 */
final class PipelineJobs {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private PipelineJobs() {}

    static Map<String, Object> settings(JobSetup setup, BenchSettings s) {
        JobConfig o = setup.config();
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

    static JobSetup setup(LocalKafka kafka, String prefix, int n, BenchSettings s) {
        String input = prefix + ".input";
        String output = prefix + ".output";
        String weights = prefix + ".weights";
        String dlq = prefix + ".dlq";
        kafka.createTopics(s.parallelism(), input, output, weights, dlq);
        JobConfig config = JobConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .topics(input, output, weights, dlq)
                .model(s.model())
                .windowSize(n).stride(BenchSettings.STRIDE)
                .batchSize(s.batchSize()).batchTimeoutMs(s.batchTimeoutMs())
                .weights(s.weights()).outputRows(s.outputRows())
                .checkpointIntervalMs(s.checkpointIntervalMs())
                .parallelism(s.parallelism())
                .intraOpThreads(s.threads())
                .groupId(prefix).transactionalIdPrefix(prefix)
                .build();
        JobSetup setup = JobSetup.resolve(config);
        StartupChecks.check(setup, Duration.ofSeconds(30));
        return setup;
    }

    static JobClient start(JobSetup setup, SinkMode sinks) throws Exception {
        JobClient job = sinks.job(setup).start(LocalRun.environment(setup.config().parallelism()));
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

}
