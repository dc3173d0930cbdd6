package io.attentionstream.job.kafka;

/**
 * Kafka record timestamps must be non-negative, while event time may be anything a producer
 * wrote: an output whose window has a negative event time gets the broker's time instead of
 * failing the job.
 */
final class KafkaTimestamps {
    private KafkaTimestamps() {}

    static Long orNull(Long eventTime) {
        return eventTime == null || eventTime < 0 ? null : eventTime;
    }
}
