package io.attentionstream.job.cli;

import io.attentionstream.job.AttentionJob;
import io.attentionstream.job.JobSetup;
import io.attentionstream.job.StartupChecks;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Runs the job. From `bin/attention-stream run` it runs in this JVM on a local Flink MiniCluster;
 * from `flink run JAR` the same code submits it to the cluster.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the job: Kafka in, attention outputs and weights out (exactly once).")
public class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    static final Duration STARTUP_CHECK_TIMEOUT = Duration.ofSeconds(30);

    @Mixin
    JobOptions options = new JobOptions();

    @Override
    public Integer call() throws Exception {
        JobSetup setup = JobSetup.resolve(options);
        StartupChecks.check(setup, STARTUP_CHECK_TIMEOUT);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        AttentionJob job = AttentionJob.kafka(setup);
        LOG.info("Starting {} with model {} (sha256 {})", job.name(), setup.model().description(), setup.modelSha256());
        job.execute(env);
        return 0;
    }
}
