package io.attentionstream.job.cli;

import io.attentionstream.job.config.JobOptions;
import io.attentionstream.job.kafka.KafkaClientConfig;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * How every command reaches Kafka: the {@link JobOptions#KAFKA} flags of the job, so the tools
 * take the same flags as {@code run}. A command adds the flags with
 * {@code @Command(modelTransformer = KafkaOptions.Flags.class)} (ahead of its own, as the README lists
 * them) and reads them through a {@code @Mixin KafkaOptions}.
 */
@Command
public class KafkaOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    public KafkaClientConfig clientConfig() {
        return KafkaClientConfig.of(
                CliOptions.value(spec, JobOptions.BOOTSTRAP_SERVERS),
                CliOptions.value(spec, JobOptions.KAFKA_CONFIG),
                CliOptions.value(spec, JobOptions.KAFKA_PROPERTIES));
    }

    /** Adds the Kafka flags from their declarations, ahead of the command's own flags. */
    public static final class Flags implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            List<OptionSpec> own = spec.options().stream()
                    .filter(o -> !o.usageHelp() && !o.versionHelp())
                    .toList();
            own.forEach(spec::remove);
            CliOptions.addTo(spec, JobOptions.KAFKA);
            own.forEach(spec::addOption);
            return spec;
        }
    }
}
