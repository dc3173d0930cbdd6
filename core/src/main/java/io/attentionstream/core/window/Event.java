package io.attentionstream.core.window;

import java.util.Arrays;
import java.util.Objects;

/**
 * One decoded input event, with where it came from. A Flink POJO: public fields, no-arg
 * constructor, primitive arrays (no boxing on the hot path).
 *
 * <p>Exactly one of {@link #token} / {@link #features} is expected to be set; the windower
 * validates that, so this class can hold any input a producer sent.
 */
public class Event {
    public String key;
    public long position;
    public long timestamp;
    /** Token id, or null. */
    public Long token;
    /** Feature vector, or null. */
    public float[] features;

    public boolean endOfSequence;

    /** Source coordinates for the dead-letter record; null topic when not read from Kafka. */
    public String sourceTopic;

    public int sourcePartition = -1;
    public long sourceOffset = -1L;

    public Event() {}

    public static Event ofFeatures(String key, long position, long timestamp, float[] features) {
        Event e = new Event();
        e.key = key;
        e.position = position;
        e.timestamp = timestamp;
        e.features = features;
        return e;
    }

    public static Event ofToken(String key, long position, long timestamp, long token) {
        Event e = new Event();
        e.key = key;
        e.position = position;
        e.timestamp = timestamp;
        e.token = token;
        return e;
    }

    /** Marks this event as the last of its sequence; returns this. */
    public Event endingSequence() {
        this.endOfSequence = true;
        return this;
    }

    /** Sets the Kafka coordinates the event was read from; returns this. */
    public Event readFrom(String topic, int partition, long offset) {
        this.sourceTopic = topic;
        this.sourcePartition = partition;
        this.sourceOffset = offset;
        return this;
    }

    public boolean hasSource() {
        return sourceTopic != null;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Event)) {
            return false;
        }
        Event other = (Event) o;
        return position == other.position
                && timestamp == other.timestamp
                && endOfSequence == other.endOfSequence
                && sourcePartition == other.sourcePartition
                && sourceOffset == other.sourceOffset
                && Objects.equals(key, other.key)
                && Objects.equals(token, other.token)
                && Arrays.equals(features, other.features)
                && Objects.equals(sourceTopic, other.sourceTopic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, position, timestamp, token);
    }

    @Override
    public String toString() {
        return "Event{key=" + key + ", position=" + position + ", timestamp=" + timestamp
                + (token != null ? ", token=" + token : "")
                + (features != null ? ", features[" + features.length + "]" : "")
                + (endOfSequence ? ", end_of_sequence" : "") + "}";
    }
}
