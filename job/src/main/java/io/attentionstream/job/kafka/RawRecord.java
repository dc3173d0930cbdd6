package io.attentionstream.job.kafka;

/**
 * A Kafka record as read, before decoding: decoding happens in its own step so that a record
 * that cannot be decoded becomes a dead letter instead of a source failure. A Flink POJO.
 */
public class RawRecord {
    public String topic;
    public int partition;
    public long offset;
    /** The Kafka record timestamp (not the event time, which is inside the value). */
    public long timestamp;
    public byte[] key;
    public byte[] value;

    public RawRecord() {}

    public RawRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
