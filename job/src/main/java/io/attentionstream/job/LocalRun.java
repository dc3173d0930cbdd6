package io.attentionstream.job;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Runs a job on a Flink MiniCluster in this JVM: the demo, the benchmark and the tests. */
public final class LocalRun {
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

    /** A local environment with the given configuration (restart strategy, savepoint to restore, ...). */
    public static StreamExecutionEnvironment environment(int parallelism, Configuration config) {
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, config);
    }

    public static JobExecutionResult run(AttentionJob job, int parallelism) throws Exception {
        return job.execute(environment(parallelism));
    }
}
