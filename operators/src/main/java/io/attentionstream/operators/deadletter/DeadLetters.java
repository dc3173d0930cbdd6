package io.attentionstream.operators.deadletter;

import io.attentionstream.avro.RejectReason;
import io.attentionstream.avro.RejectedRecord;
import java.nio.ByteBuffer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.OutputTag;

/**
 * Builds the dead-letter records of the data contract. Every operator that rejects input sends a
 * {@link RejectedRecord} to {@link #TAG}; the job routes that side output to the DLQ topic.
 */
public final class DeadLetters {

    /** The side output that carries rejected records, shared by every operator of the job. */
    public static final OutputTag<RejectedRecord> TAG =
            new OutputTag<>("dead-letters", new AvroTypeInfo<>(RejectedRecord.class));

    private DeadLetters() {}

    /** A record rejected before windowing, with its Kafka coordinates and original bytes. */
    public static RejectedRecord fromSource(
            String topic, Integer partition, Long offset, String key, byte[] value,
            RejectReason reason, String message, long rejectedAt) {
        return RejectedRecord.newBuilder()
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setKey(key)
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setReason(reason)
                .setMessage(message)
                .setRejectedAt(rejectedAt)
                .build();
    }

    /** A window rejected after windowing: it has no single source record. */
    public static RejectedRecord forWindow(String key, RejectReason reason, String message, long rejectedAt) {
        return fromSource(null, null, null, key, null, reason, message, rejectedAt);
    }
}
