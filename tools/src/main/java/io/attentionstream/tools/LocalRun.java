package io.attentionstream.tools;

import io.attentionstream.job.AttentionJob;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Runs a job on a Flink MiniCluster in this JVM: the demo, the benchmark and the tests. */
public final class LocalRun {
    private static final String LOOPBACK = "127.0.0.1";

    private LocalRun() {}

    /**
     * A local environment that fails instead of restarting: bad records never fail the job, so a
     * failure here is a bug to see, not to retry.
     */
    public static StreamExecutionEnvironment environment(int parallelism) {
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return environment(parallelism, config);
    }

    /**
     * A local environment with the given configuration (restart strategy, savepoint to restore,
     * ...). Its servers listen on loopback only: a local run is nothing other machines reach.
     */
    public static StreamExecutionEnvironment environment(int parallelism, Configuration config) {
        Configuration local = new Configuration(config);
        for (var option : java.util.List.of(
                RestOptions.BIND_ADDRESS,
                RestOptions.ADDRESS,
                JobManagerOptions.ADDRESS,
                JobManagerOptions.BIND_HOST,
                TaskManagerOptions.HOST,
                TaskManagerOptions.BIND_HOST)) {
            if (!local.contains(option)) {
                local.set(option, LOOPBACK);
            }
        }
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, local);
    }

    public static JobExecutionResult run(AttentionJob job, int parallelism) throws Exception {
        return job.execute(environment(parallelism));
    }
}
