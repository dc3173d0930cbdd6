package io.attentionstream.job.cli;

import io.attentionstream.job.kafka.KafkaClientConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How every command reaches Kafka. */
public class KafkaOptions {

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers.")
    String bootstrapServers;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "A Kafka client property for every client the job makes (repeatable), e.g. "
                    + "security.protocol=SASL_SSL. Values are never logged.")
    List<String> kafkaProperties = new ArrayList<>();

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "A properties file of Kafka client properties; --kafka-property wins over it.")
    Path kafkaConfig;

    public KafkaClientConfig clientConfig() {
        return KafkaClientConfig.of(bootstrapServers, kafkaConfig, kafkaProperties);
    }
}
