package io.attentionstream.job.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes output records as the contract says: value = one Avro binary datum, Kafka key = the
 * UTF-8 sequence key, so outputs are partitioned like their inputs.
 */
public class KeyedAvroSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final Class<T> type;
    private final SerializableFunction<T, String> key;
    private transient AvroBinary<T> avro;

    public KeyedAvroSerializer(String topic, Class<T> type, SerializableFunction<T, String> key) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.type = Objects.requireNonNull(type, "type");
        this.key = Objects.requireNonNull(key, "key");
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
        if (avro == null) {
            avro = new AvroBinary<>(type);
        }
        String k = key.apply(record);
        return new ProducerRecord<>(topic, null, KafkaTimestamps.orNull(timestamp), k == null ? null : k.getBytes(StandardCharsets.UTF_8), avro.encode(record));
    }
}
