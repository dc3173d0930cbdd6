package io.attentionstream.job.decode;

import io.attentionstream.avro.RejectReason;
import io.attentionstream.core.deadletter.DeadLetters;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.MalformedRecordException;
import io.attentionstream.core.window.SequenceEventCodec;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes Kafka values into events inside the source, so that timestamps and watermarks are
 * assigned per Kafka partition. Never throws: a record that is too large, empty (a tombstone) or
 * not a SequenceEvent becomes a dead letter with its original bytes and its Kafka coordinates.
 * The range of {@code maxRecordBytes} is checked once, by {@code JobOptions.MAX_RECORD_BYTES}.
 */
public class SequenceEventDeserializer implements KafkaRecordDeserializationSchema<DecodedRecord> {
    private static final long serialVersionUID = 1L;

    private final int maxRecordBytes;
    private transient Map<RejectReason, Counter> rejected;

    /** @param maxRecordBytes larger values are rejected as OVERSIZED (`--max-record-bytes`) */
    public SequenceEventDeserializer(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        registerCounters(context.getMetricGroup());
    }

    /** Counts dead letters per reason under {@code rejected.<REASON>}. */
    void registerCounters(MetricGroup metrics) {
        rejected = new EnumMap<>(RejectReason.class);
        MetricGroup group = metrics.addGroup("rejected");
        for (RejectReason reason : new RejectReason[] {RejectReason.MALFORMED, RejectReason.OVERSIZED}) {
            rejected.put(reason, group.counter(reason.name()));
        }
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DecodedRecord> out) {
        byte[] value = record.value();
        if (value == null) {
            out.collect(reject(
                    record,
                    RejectReason.MALFORMED,
                    "The record has no value (a tombstone); expected a SequenceEvent."));
            return;
        }
        if (value.length > maxRecordBytes) {
            out.collect(reject(
                    record,
                    RejectReason.OVERSIZED,
                    "The record has " + value.length + " bytes, more than the " + maxRecordBytes
                            + " allowed by --max-record-bytes."));
            return;
        }
        try {
            Event event = SequenceEventCodec.decode(value);
            out.collect(DecodedRecord.of(event.readFrom(record.topic(), record.partition(), record.offset())));
        } catch (MalformedRecordException e) {
            out.collect(reject(record, RejectReason.MALFORMED, e.getMessage()));
        }
    }

    private DecodedRecord reject(ConsumerRecord<byte[], byte[]> record, RejectReason reason, String message) {
        if (rejected != null) {
            rejected.get(reason).inc();
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        return DecodedRecord.rejected(DeadLetters.fromSource(
                record.topic(),
                record.partition(),
                record.offset(),
                key,
                record.value(),
                reason,
                message,
                System.currentTimeMillis()));
    }

    @Override
    public TypeInformation<DecodedRecord> getProducedType() {
        return TypeInformation.of(DecodedRecord.class);
    }
}
