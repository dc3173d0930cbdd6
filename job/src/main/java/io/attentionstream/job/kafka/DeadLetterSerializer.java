package io.attentionstream.job.kafka;

import io.attentionstream.avro.RejectedRecord;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes dead letters: the {@link RejectedRecord} as the value and the same facts as headers, for
 * tools that only read headers.
 */
public class DeadLetterSerializer implements KafkaRecordSerializationSchema<RejectedRecord> {
    private static final long serialVersionUID = 1L;

    public static final String HEADER_REASON = "attention.reason";
    public static final String HEADER_MESSAGE = "attention.message";
    public static final String HEADER_SOURCE_TOPIC = "attention.source.topic";
    public static final String HEADER_SOURCE_PARTITION = "attention.source.partition";
    public static final String HEADER_SOURCE_OFFSET = "attention.source.offset";
    public static final String HEADER_REJECTED_AT = "attention.rejected.at";

    private final String topic;
    private transient AvroBinary<RejectedRecord> avro;

    public DeadLetterSerializer(String topic) {
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(RejectedRecord record, KafkaSinkContext context, Long timestamp) {
        if (avro == null) {
            avro = new AvroBinary<>(RejectedRecord.class);
        }
        RecordHeaders headers = new RecordHeaders();
        header(headers, HEADER_REASON, record.getReason().name());
        header(headers, HEADER_MESSAGE, record.getMessage());
        header(headers, HEADER_SOURCE_TOPIC, record.getSourceTopic());
        header(headers, HEADER_SOURCE_PARTITION, record.getSourcePartition());
        header(headers, HEADER_SOURCE_OFFSET, record.getSourceOffset());
        header(headers, HEADER_REJECTED_AT, record.getRejectedAt());
        byte[] key = record.getKey() == null ? null : record.getKey().getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, KafkaTimestamps.orNull(timestamp), key, avro.encode(record), headers);
    }

    private static void header(RecordHeaders headers, String name, Object value) {
        if (value != null) {
            headers.add(name, value.toString().getBytes(StandardCharsets.UTF_8));
        }
    }
}
