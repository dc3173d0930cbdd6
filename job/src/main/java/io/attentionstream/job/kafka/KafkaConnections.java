package io.attentionstream.job.kafka;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.job.JobSetup;
import io.attentionstream.job.config.JobConfig;
import io.attentionstream.job.decode.DecodedRecord;
import io.attentionstream.job.decode.SequenceEventDeserializer;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchemaBuilder;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.formats.avro.AvroSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The production source and sinks: Kafka in, Kafka out, exactly once. Records are written as the
 * contract says: value = one plain Avro binary datum in the contract schema, Kafka key = the UTF-8
 * sequence key, record timestamp = the element's (none when negative).
 */
public final class KafkaConnections {
    private KafkaConnections() {}

    /**
     * Reads and decodes the input topic from the group's committed offsets (else from the
     * beginning); with `--bounded`, up to the end offsets found at start.
     */
    @SuppressWarnings("deprecation") // the connector's API still takes the Kafka 3 reset strategy
    public static KafkaSource<DecodedRecord> source(JobSetup setup) {
        JobConfig o = setup.config();
        Properties props = setup.kafka().toProperties();
        // Producers of the input may write transactionally: never read their aborted records.
        props.putIfAbsent("isolation.level", "read_committed");
        KafkaSourceBuilder<DecodedRecord> builder = KafkaSource.<DecodedRecord>builder()
                .setProperties(props)
                .setBootstrapServers(setup.kafka().bootstrapServers())
                .setTopics(o.inputTopic())
                .setGroupId(o.groupId())
                .setClientIdPrefix(o.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new SequenceEventDeserializer(o.maxRecordBytes()));
        if (o.bounded()) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    public static KafkaSink<AttentionOutput> outputSink(JobSetup setup) {
        return sink(setup, "output", outputSerializer(setup.config().outputTopic()));
    }

    public static KafkaSink<AttentionWeights> weightsSink(JobSetup setup) {
        return sink(setup, "weights", weightsSerializer(setup.config().weightsTopic()));
    }

    public static KafkaSink<RejectedRecord> deadLetterSink(JobSetup setup) {
        return sink(setup, "dlq", deadLetterSerializer(setup.config().dlqTopic()));
    }

    public static KafkaRecordSerializationSchema<AttentionOutput> outputSerializer(String topic) {
        return keyedAvro(topic, AttentionOutput.class, AttentionOutput::getKey).build();
    }

    public static KafkaRecordSerializationSchema<AttentionWeights> weightsSerializer(String topic) {
        return keyedAvro(topic, AttentionWeights.class, AttentionWeights::getKey)
                .build();
    }

    /** Dead letters: the {@link RejectedRecord} as the value, the same facts as headers. */
    public static KafkaRecordSerializationSchema<RejectedRecord> deadLetterSerializer(String topic) {
        return keyedAvro(topic, RejectedRecord.class, RejectedRecord::getKey)
                .setHeaderProvider(new DeadLetterHeaders())
                .build();
    }

    /** The contract's wire format: value = one plain Avro datum, Kafka key = the UTF-8 sequence key. */
    private static <T extends SpecificRecord> KafkaRecordSerializationSchemaBuilder<T> keyedAvro(
            String topic, Class<T> type, SerializableFunction<T, String> key) {
        return KafkaRecordSerializationSchema.<T>builder()
                .setTopic(topic)
                .setKeySerializationSchema(new Utf8Key<>(key))
                .setValueSerializationSchema(AvroSerializationSchema.forSpecific(type));
    }

    /**
     * An exactly-once sink: one Kafka transaction per checkpoint, committed when the checkpoint
     * completes. The transaction timeout is always set (the client default of one hour exceeds
     * what brokers allow, and the job would restart forever in silence); {@code StartupChecks}
     * compares it with the broker's maximum.
     */
    private static <T> KafkaSink<T> sink(JobSetup setup, String role, KafkaRecordSerializationSchema<T> serializer) {
        return sinkBuilder(setup, role, serializer).build();
    }

    /** The job's sink settings for one role, before {@code build()}: for experiments with other delivery settings. */
    public static <T> KafkaSinkBuilder<T> sinkBuilder(
            JobSetup setup, String role, KafkaRecordSerializationSchema<T> serializer) {
        JobConfig o = setup.config();
        Properties props = setup.kafka().toProperties();
        props.setProperty("transaction.timeout.ms", Long.toString(o.transactionTimeoutMs()));
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(props)
                .setBootstrapServers(setup.kafka().bootstrapServers())
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(o.transactionalIdPrefix() + "-" + role);
    }
}
