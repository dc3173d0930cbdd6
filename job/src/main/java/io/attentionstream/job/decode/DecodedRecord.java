package io.attentionstream.job.decode;

import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.core.window.Event;

/**
 * What the Kafka source emits for each record: the decoded event, or the dead letter it became.
 * Exactly one field is set. A Flink POJO.
 */
public class DecodedRecord {
    /** The decoded event, or null. */
    public Event event;
    /** The dead letter (original bytes and coordinates), or null. */
    public RejectedRecord rejected;

    public DecodedRecord() {}

    public static DecodedRecord of(Event event) {
        DecodedRecord record = new DecodedRecord();
        record.event = event;
        return record;
    }

    public static DecodedRecord rejected(RejectedRecord rejected) {
        DecodedRecord record = new DecodedRecord();
        record.rejected = rejected;
        return record;
    }

    @Override
    public String toString() {
        return event != null ? "DecodedRecord{" + event + "}" : "DecodedRecord{rejected " + rejected.getReason() + "}";
    }
}
