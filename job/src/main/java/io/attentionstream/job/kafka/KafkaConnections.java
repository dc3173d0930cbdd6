package io.attentionstream.job.kafka;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.job.JobSetup;
import io.attentionstream.job.cli.JobOptions;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The production source and sinks: Kafka in, Kafka out, exactly once. */
public final class KafkaConnections {
    private KafkaConnections() {}

    /**
     * Reads the input topic from the group's committed offsets (else from the beginning); with
     * `--bounded`, up to the end offsets found at start.
     */
    @SuppressWarnings("deprecation") // the connector's API still takes the Kafka 3 reset strategy
    public static KafkaSource<RawRecord> source(JobSetup setup) {
        JobOptions o = setup.options();
        Properties props = setup.kafka().toProperties();
        // Producers of the input may write transactionally: never read their aborted records.
        props.putIfAbsent("isolation.level", "read_committed");
        KafkaSourceBuilder<RawRecord> builder = KafkaSource.<RawRecord>builder()
                .setProperties(props)
                .setBootstrapServers(setup.kafka().bootstrapServers())
                .setTopics(o.inputTopic)
                .setGroupId(o.groupId)
                .setClientIdPrefix(o.groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RawRecordDeserializer());
        if (o.bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    public static KafkaSink<AttentionOutput> outputSink(JobSetup setup) {
        return sink(setup, "output",
                new KeyedAvroSerializer<>(setup.options().outputTopic, AttentionOutput.class, AttentionOutput::getKey));
    }

    public static KafkaSink<AttentionWeights> weightsSink(JobSetup setup) {
        return sink(setup, "weights",
                new KeyedAvroSerializer<>(setup.options().weightsTopic, AttentionWeights.class, AttentionWeights::getKey));
    }

    public static KafkaSink<RejectedRecord> deadLetterSink(JobSetup setup) {
        return sink(setup, "dlq", new DeadLetterSerializer(setup.options().dlqTopic));
    }

    /**
     * An exactly-once sink: one Kafka transaction per checkpoint, committed when the checkpoint
     * completes. The transaction timeout is always set (the client default of one hour exceeds
     * what brokers allow, and the job would restart forever in silence); {@code StartupChecks}
     * compares it with the broker's maximum.
     */
    private static <T> KafkaSink<T> sink(JobSetup setup, String role, KafkaRecordSerializationSchema<T> serializer) {
        JobOptions o = setup.options();
        Properties props = setup.kafka().toProperties();
        props.setProperty("transaction.timeout.ms", Long.toString(o.transactionTimeoutMs));
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(props)
                .setBootstrapServers(setup.kafka().bootstrapServers())
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(o.transactionalIdPrefix + "-" + role)
                .build();
    }
}
