package io.attentionstream.job.cli;

import io.attentionstream.job.AttentionJob;
import io.attentionstream.job.JobSetup;
import io.attentionstream.job.SetupException;
import io.attentionstream.job.StartupChecks;
import io.attentionstream.job.config.JobConfig;
import io.attentionstream.job.config.JobOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Runs the job. From `bin/attention-stream run` it runs in this JVM on a local Flink MiniCluster;
 * from `flink run JAR [flags]` (this is the job jar's main class) the same code submits it to the
 * cluster. Its flags are the {@link JobOptions} declarations.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        modelTransformer = RunCommand.Flags.class,
        description = "Run the job: Kafka in, attention outputs and weights out (exactly once).")
public class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    static final Duration STARTUP_CHECK_TIMEOUT = Duration.ofSeconds(30);

    /** Exit code of a setting that cannot work: the message names it. */
    public static final int EXIT_SETUP = 2;

    @Spec
    CommandSpec spec;

    /** The job jar's entry point. A leading {@code run}, as bin/attention-stream takes it, is allowed. */
    public static void main(String[] args) {
        String[] flags = args.length > 0 && args[0].equals("run") ? Arrays.copyOfRange(args, 1, args.length) : args;
        CommandLine cli = new CommandLine(new RunCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof SetupException || e instanceof IllegalArgumentException) {
                commandLine.getErr().println("attention-stream: " + e.getMessage());
                return EXIT_SETUP;
            }
            throw e;
        });
        int code = cli.execute(flags);
        // Under `flink run` a normal return hands control back to the Flink client.
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The configuration the command line gave. */
    public JobConfig config() {
        return CliOptions.read(spec, JobOptions.ALL, JobConfig.builder()).build();
    }

    @Override
    public Integer call() throws Exception {
        JobSetup setup = JobSetup.resolve(config());
        StartupChecks.check(setup, STARTUP_CHECK_TIMEOUT);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        AttentionJob job = AttentionJob.kafka(setup);
        LOG.info(
                "Starting {} with model {} (sha256 {})",
                job.name(),
                setup.model().description(),
                setup.modelSha256());
        job.execute(env);
        return 0;
    }

    /** Adds the job's flags from their declarations. */
    public static final class Flags implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            CliOptions.addTo(spec, JobOptions.ALL);
            return spec;
        }
    }
}
