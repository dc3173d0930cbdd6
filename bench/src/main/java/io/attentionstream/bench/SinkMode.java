package io.attentionstream.bench;

import io.attentionstream.job.AttentionJob;
import io.attentionstream.job.JobSetup;
import io.attentionstream.job.config.JobConfig;
import io.attentionstream.job.kafka.KafkaConnections;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;

/**
 * The sinks the pipeline path runs the job with. {@link #EXACTLY_ONCE} is the job as it ships
 * ({@link AttentionJob#kafka}); the others are experiments that show what the sinks cost, with the
 * same serializers and only the delivery settings changed.
 */
public enum SinkMode {
    /** The job's own sinks: one Kafka transaction per checkpoint, a new transactional id each time. */
    EXACTLY_ONCE("exactly-once"),
    /** As the job's, but with the connector's POOLING transaction naming, which reuses transactional ids and producers. */
    EXACTLY_ONCE_POOLING("exactly-once-pooling"),
    /** No transactions: outputs are visible as soon as the producer sends them (duplicates possible after a failure). */
    AT_LEAST_ONCE("at-least-once");

    private final String cliName;

    SinkMode(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static SinkMode fromCliName(String name) {
        for (SinkMode m : values()) {
            if (m.cliName.equalsIgnoreCase(name.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("Unknown sink mode '" + name
                + "': use --sinks exactly-once, exactly-once-pooling or at-least-once.");
    }

    AttentionJob job(JobSetup setup) {
        if (this == EXACTLY_ONCE) {
            return AttentionJob.kafka(setup);
        }
        JobConfig o = setup.config();
        return new AttentionJob(setup, KafkaConnections.source(setup),
                sink(setup, "output", o.outputTopic(), KafkaConnections.outputSerializer(o.outputTopic())),
                sink(setup, "weights", o.weightsTopic(), KafkaConnections.weightsSerializer(o.weightsTopic())),
                sink(setup, "dlq", o.dlqTopic(), KafkaConnections.deadLetterSerializer(o.dlqTopic())));
    }

    /** The job's sink (see KafkaConnections) with this mode's delivery settings. */
    private <T> KafkaSink<T> sink(JobSetup setup, String role, String topic, KafkaRecordSerializationSchema<T> serializer) {
        JobConfig o = setup.config();
        Properties props = setup.kafka().toProperties();
        props.setProperty("transaction.timeout.ms", Long.toString(o.transactionTimeoutMs()));
        KafkaSinkBuilder<T> builder = KafkaSink.<T>builder()
                .setKafkaProducerConfig(props)
                .setBootstrapServers(setup.kafka().bootstrapServers())
                .setRecordSerializer(new TopicNamingSerializer<>(serializer, topic))
                .setTransactionalIdPrefix(o.transactionalIdPrefix() + "-" + role);
        if (this == AT_LEAST_ONCE) {
            builder.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
        } else {
            builder.setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                    .setTransactionNamingStrategy(TransactionNamingStrategy.POOLING);
        }
        return builder.build();
    }
}
