package io.attentionstream.job.decode;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.eventtime.WatermarksWithIdleness;

/**
 * Event time of the source: an event's time is its {@code timestamp}, and watermarks trail the
 * largest one seen by {@code --max-out-of-orderness-ms}. Given to {@code env.fromSource}, so each
 * Kafka partition has its own watermark and the source emits their minimum: one partition's
 * far-future event cannot make another partition's events LATE.
 *
 * <p>Dead letters keep the Kafka record's timestamp and never move the watermark, nor count as
 * activity for idleness.
 */
public final class EventTime {
    private EventTime() {}

    public static WatermarkStrategy<DecodedRecord> watermarks(Duration maxOutOfOrderness, Duration idleness) {
        return WatermarkStrategy.<DecodedRecord>forGenerator(context -> new EventsOnly(new WatermarksWithIdleness<>(
                        new BoundedOutOfOrdernessWatermarks<>(maxOutOfOrderness),
                        idleness,
                        context.getInputActivityClock())))
                .withTimestampAssigner(
                        (record, kafkaTimestamp) -> record.event != null ? record.event.timestamp : kafkaTimestamp);
    }

    /** Shows the watermark generator decoded events only. */
    static final class EventsOnly implements WatermarkGenerator<DecodedRecord> {
        private final WatermarkGenerator<DecodedRecord> events;

        EventsOnly(WatermarkGenerator<DecodedRecord> events) {
            this.events = events;
        }

        @Override
        public void onEvent(DecodedRecord record, long timestamp, WatermarkOutput output) {
            if (record.event != null) {
                events.onEvent(record, timestamp, output);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            events.onPeriodicEmit(output);
        }
    }
}
