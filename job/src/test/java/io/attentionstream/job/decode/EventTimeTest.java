package io.attentionstream.job.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.RejectReason;
import io.attentionstream.core.deadletter.DeadLetters;
import io.attentionstream.core.window.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.ManualClock;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;

class EventTimeTest {
    private final WatermarkStrategy<DecodedRecord> strategy =
            EventTime.watermarks(Duration.ofMillis(100), Duration.ofSeconds(30));
    private final List<Watermark> emitted = new ArrayList<>();
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark);
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    };

    @Test
    void eventsCarryTheirOwnTimeAndDeadLettersTheKafkaTimestamp() {
        TimestampAssigner<DecodedRecord> assigner = strategy.createTimestampAssigner(null);
        assertThat(assigner.extractTimestamp(DecodedRecord.of(Event.ofToken("k", 1, 5_000, 3)), 42))
                .isEqualTo(5_000);
        assertThat(assigner.extractTimestamp(rejected(), 42)).isEqualTo(42);
    }

    @Test
    void deadLettersNeverMoveTheWatermark() {
        WatermarkGenerator<DecodedRecord> generator = strategy.createWatermarkGenerator(context());
        generator.onEvent(DecodedRecord.of(Event.ofToken("k", 1, 1_000, 3)), 1_000, output);
        generator.onEvent(rejected(), Long.MAX_VALUE / 2, output);
        generator.onPeriodicEmit(output);
        assertThat(emitted).last().extracting(Watermark::getTimestamp).isEqualTo(1_000L - 100 - 1);
    }

    private static DecodedRecord rejected() {
        return DecodedRecord.rejected(
                DeadLetters.fromSource("in", 0, 1L, "k", new byte[] {1}, RejectReason.MALFORMED, "bad", 0));
    }

    private static WatermarkGeneratorSupplier.Context context() {
        ManualClock clock = new ManualClock();
        return new WatermarkGeneratorSupplier.Context() {
            @Override
            public MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup();
            }

            @Override
            public RelativeClock getInputActivityClock() {
                return clock;
            }
        };
    }
}
