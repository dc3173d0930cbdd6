package io.attentionstream.core.deadletter;

import io.attentionstream.avro.RejectReason;
import io.attentionstream.avro.RejectedRecord;
import java.nio.ByteBuffer;

/**
 * Builds the dead-letter records of the data contract. Every operator that rejects input sends one
 * to its dead-letter side output; the job routes that to the DLQ topic.
 */
public final class DeadLetters {

    private DeadLetters() {}

    /** A record rejected before windowing, with its Kafka coordinates and original bytes. */
    public static RejectedRecord fromSource(
            String topic,
            Integer partition,
            Long offset,
            String key,
            byte[] value,
            RejectReason reason,
            String message,
            long rejectedAt) {
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
