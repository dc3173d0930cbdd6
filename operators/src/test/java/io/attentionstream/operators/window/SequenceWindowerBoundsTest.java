package io.attentionstream.operators.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.Window;
import io.attentionstream.core.window.WindowerConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Keyed state stays bounded whatever the stream does: a key that never ends holds at most n
 * events, and a million keys that go idle leave no state and no timers behind.
 */
class SequenceWindowerBoundsTest {
    private static final long IDLE_MS = 1_000;
    private static final long TTL_MS = 5_000;

    @Test
    void aKeyThatNeverEndsKeepsAtMostOneWindowOfState() throws Exception {
        int n = 16;
        WindowerConfig config = WindowerConfig.builder()
                .windowSize(n)
                .stride(1)
                .idleFlushMs(IDLE_MS)
                .stateTtlMs(TTL_MS)
                .inputKind(InputKind.FEATURES)
                .featureDim(8)
                .build();
        try (KeyedOneInputStreamOperatorTestHarness<String, Event, Window> harness = harness(config)) {
            long afterOneWindow = 0;
            for (int i = 0; i < 50_000; i++) {
                harness.processElement(new StreamRecord<>(Event.ofFeatures("endless", i, i, new float[8]), i));
                if (i == 2 * n) {
                    afterOneWindow = stateSize(harness, 1);
                    harness.getOutput().clear();
                }
                if (i % 1_000 == 0) {
                    harness.getOutput().clear();
                }
            }
            long afterFiftyThousand = stateSize(harness, 2);

            assertThat(afterOneWindow).isPositive();
            assertThat(afterFiftyThousand)
                    .as("snapshot bytes after 50,000 events vs after %d", 2 * n)
                    .isEqualTo(afterOneWindow);
            assertThat(harness.numKeyedStateEntries()).isEqualTo(3);
            assertThat(harness.numEventTimeTimers()).as("idle flush and expiry").isEqualTo(2);
        }
    }

    @Test
    void aMillionIdleKeysLeaveNoStateAndNoTimers() throws Exception {
        int keys = 1_000_000;
        WindowerConfig config = WindowerConfig.builder()
                .windowSize(4)
                .stride(1)
                .idleFlushMs(IDLE_MS)
                .stateTtlMs(TTL_MS)
                .inputKind(InputKind.TOKENS)
                .vocabSize(1000)
                .build();
        try (KeyedOneInputStreamOperatorTestHarness<String, Event, Window> harness = harness(config)) {
            for (int k = 0; k < keys; k++) {
                harness.processElement(
                        new StreamRecord<>(Event.ofToken("key-" + k, 0, k % 1_000, k % 1000), k % 1_000));
            }
            assertThat(harness.numKeyedStateEntries())
                    .as("buffer, last position and newest time per key")
                    .isEqualTo(3L * keys);

            harness.processWatermark(999 + IDLE_MS);
            assertThat(harness.extractOutputValues())
                    .as("every key flushed its one short window")
                    .hasSize(keys);
            assertThat(harness.numKeyedStateEntries())
                    .as("the buffers are gone after the flush")
                    .isEqualTo(2L * keys);

            harness.processWatermark(999 + TTL_MS);
            assertThat(harness.numKeyedStateEntries())
                    .as("keyed state after the TTL")
                    .isZero();
            assertThat(harness.numEventTimeTimers()).as("timers after the TTL").isZero();
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Event, Window> harness(WindowerConfig config)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Event, Window> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new SequenceWindower(config)), event -> event.key, Types.STRING);
        harness.open();
        return harness;
    }

    private static long stateSize(
            KeyedOneInputStreamOperatorTestHarness<String, Event, Window> harness, long checkpointId) throws Exception {
        OperatorSubtaskState state = harness.snapshot(checkpointId, checkpointId);
        return state.getStateSize();
    }
}
