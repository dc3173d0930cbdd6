package io.attentionstream.job.cli;

import io.attentionstream.job.config.JobOptions;
import io.attentionstream.job.kafka.KafkaClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * How every command reaches Kafka: a picocli mixin with the {@link JobOptions#KAFKA} flags of the
 * job, so the tools take the same flags as {@code run}.
 */
@Command(modelTransformer = KafkaOptions.Flags.class)
public class KafkaOptions {

    @Spec
    CommandSpec spec;

    public KafkaClientConfig clientConfig() {
        return KafkaClientConfig.of(CliOptions.value(spec, JobOptions.BOOTSTRAP_SERVERS),
                CliOptions.value(spec, JobOptions.KAFKA_CONFIG), CliOptions.value(spec, JobOptions.KAFKA_PROPERTIES));
    }

    /** Adds the Kafka flags from their declarations. */
    public static final class Flags implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            CliOptions.addTo(spec, JobOptions.KAFKA);
            return spec;
        }
    }
}
