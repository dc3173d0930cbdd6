package io.attentionstream.operators.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.Rejection;
import io.attentionstream.core.window.WindowerConfig;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyLifecycle} on its own, in the smallest windowing function: its open window is a string
 * naming the last event, gone at the end of a sequence.
 */
class KeyLifecycleTest {
    private static final long IDLE = 100;
    private static final long TTL = 1_000;
    private static final WindowerConfig CONFIG = WindowerConfig.builder()
            .windowSize(4)
            .stride(1)
            .idleFlushMs(IDLE)
            .stateTtlMs(TTL)
            .inputKind(InputKind.FEATURES)
            .featureDim(1)
            .vocabSize(10)
            .build();

    /** Emits "rejected REASON", and "flushed WINDOW" at an idle flush. */
    private static final class LastEventWindow extends KeyedProcessFunction<String, Event, String> {
        private transient ValueState<String> window;
        private transient KeyLifecycle<String> lifecycle;

        @Override
        public void open(OpenContext openContext) throws Exception {
            window = getRuntimeContext().getState(new ValueStateDescriptor<>("window", String.class));
            lifecycle = new KeyLifecycle<>(
                    CONFIG,
                    getRuntimeContext()::getState,
                    window,
                    getRuntimeContext().getMetricGroup());
        }

        @Override
        public void processElement(Event event, Context ctx, org.apache.flink.util.Collector<String> out)
                throws Exception {
            Rejection rejection = lifecycle.check(event, ctx.timerService().currentWatermark());
            if (rejection != null) {
                out.collect("rejected " + rejection.reason());
                return;
            }
            boolean wasOpen = window.value() != null;
            if (event.endOfSequence) {
                window.clear();
                lifecycle.flushed();
            } else {
                window.update("up to " + event.position);
            }
            lifecycle.accepted(event, wasOpen, !event.endOfSequence, KeyTimers.of(ctx.timerService()));
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, org.apache.flink.util.Collector<String> out)
                throws Exception {
            lifecycle.onTimer(timestamp, ctx.getCurrentKey(), w -> out.collect("flushed " + w));
        }
    }

    private KeyedOneInputStreamOperatorTestHarness<String, Event, String> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new LastEventWindow()), event -> event.key, Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(Event event) throws Exception {
        harness.processElement(new StreamRecord<>(event, event.timestamp));
    }

    private static Event event(long position, long timestamp) {
        return Event.ofFeatures("a", position, timestamp, new float[] {1f});
    }

    @Test
    void anOpenWindowHasItsStateAndBothTimers() throws Exception {
        send(event(0, 1_000));
        assertThat(harness.numKeyedStateEntries())
                .as("window, last position, newest time")
                .isEqualTo(3);
        assertThat(harness.numEventTimeTimers()).as("idle flush and expiry").isEqualTo(2);

        send(event(1, 1_010));
        assertThat(harness.numEventTimeTimers()).as("moved, not added").isEqualTo(2);
    }

    @Test
    void anIdleFlushDropsTheWindowAndKeepsTheOrder() throws Exception {
        send(event(0, 1_000));
        harness.processWatermark(1_000 + IDLE);

        assertThat(harness.extractOutputValues()).containsExactly("flushed up to 0");
        assertThat(harness.numKeyedStateEntries())
                .as("last position and newest time")
                .isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).as("the expiry").isEqualTo(1);

        send(event(0, 1_200));
        assertThat(harness.extractOutputValues())
                .as("a replay is still out of order")
                .containsExactly("flushed up to 0", "rejected OUT_OF_ORDER");
    }

    @Test
    void theTtlDropsEveryStateEntryAndTimer() throws Exception {
        send(event(0, 1_000));
        send(event(1, 1_010).endingSequence());
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        assertThat(harness.numEventTimeTimers())
                .as("no idle flush without a window")
                .isEqualTo(1);

        harness.processWatermark(1_010 + TTL);

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        send(event(0, 3_000));
        assertThat(harness.extractOutputValues())
                .as("an expired key starts again from 0")
                .isEmpty();
    }

    @Test
    void idlenessCountsFromTheNewestEventTime() throws Exception {
        send(event(0, 1_000));
        send(event(1, 990));
        harness.processWatermark(990 + IDLE);
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.processWatermark(1_000 + IDLE);
        assertThat(harness.extractOutputValues()).containsExactly("flushed up to 1");
    }
}
