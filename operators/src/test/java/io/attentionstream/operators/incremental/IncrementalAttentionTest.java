package io.attentionstream.operators.incremental;

import static io.attentionstream.core.golden.Tolerance.VS_PYTORCH;
import static io.attentionstream.operators.incremental.IncrementalHarness.DIM;
import static io.attentionstream.operators.incremental.IncrementalHarness.IDLE;
import static io.attentionstream.operators.incremental.IncrementalHarness.NO_TIMEOUT;
import static io.attentionstream.operators.incremental.IncrementalHarness.TTL;
import static io.attentionstream.operators.incremental.IncrementalHarness.config;
import static io.attentionstream.operators.incremental.IncrementalHarness.event;
import static io.attentionstream.operators.incremental.IncrementalHarness.ts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.RejectReason;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.core.batch.BatchingConfig;
import io.attentionstream.core.incremental.IncrementalConfig;
import io.attentionstream.core.incremental.IncrementalNames;
import io.attentionstream.core.incremental.KeyValueCache;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.EventValidator;
import io.attentionstream.core.window.WindowerConfig;
import io.attentionstream.operators.OutputFields;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The incremental operator's window rules, batching, state and failure handling, one rule per test. */
class IncrementalAttentionTest {
    private static final int N = 8;

    /** After a flush: the last position and the newest event time, no cache. */
    private static final int STATE_AFTER_FLUSH = 2;
    /** With an open window: the cache too. */
    private static final int STATE_WHILE_OPEN = 3;

    private IncrementalHarness h;

    @AfterEach
    void close() throws Exception {
        if (h != null) {
            h.close();
        }
    }

    // ---- windows ----

    @Test
    void everyEventGetsTheWindowOfItsLastNEventsStartingWithTheFirst() throws Exception {
        h = IncrementalHarness.open(config(3, 1));

        h.send(events("a", 0, 4));

        assertThat(h.outputs())
                .extracting(
                        AttentionOutput::getWindowStartPosition,
                        AttentionOutput::getWindowEndPosition,
                        AttentionOutput::getLength)
                .containsExactly(
                        tuple(0L, 0L, 1), tuple(0L, 1L, 2), tuple(0L, 2L, 3), tuple(1L, 3L, 3), tuple(2L, 4L, 3));
        assertEqualsTheFullModel(3, events("a", 0, 4));
    }

    @Test
    void aKeysLaterEventsInOneBatchSeeItsEarlierOnes() throws Exception {
        h = IncrementalHarness.open(config(N, 10));
        List<Event> stream = List.of(event("a", 0), event("a", 1), event("b", 0), event("a", 2), event("a", 3));

        h.send(stream).endInput();

        assertThat(h.outputs())
                .extracting(AttentionOutput::getKey, AttentionOutput::getLength)
                .containsExactly(tuple("a", 1), tuple("b", 1), tuple("a", 2), tuple("a", 3), tuple("a", 4));
        assertEqualsTheFullModel(N, stream);
        assertThat(((Histogram) h.metric("batchSize")).getCount())
                .as("four waves: a's events one per run")
                .isEqualTo(4);
    }

    @Test
    void recordsCarryTheWindowAndTheModel() throws Exception {
        h = IncrementalHarness.open(config(N, 1));
        Event first = Event.ofFeatures("a", 100, 5_000, IncrementalHarness.features("a", 100));
        Event second = Event.ofFeatures("a", 103, 5_030, IncrementalHarness.features("a", 103));

        h.send(first, second);

        AttentionOutput out = h.outputs().get(1);
        assertThat(out.getKey()).isEqualTo("a");
        assertThat(OutputFields.windowOf(out))
                .containsExactly(100L, 103L, 5_000L, 5_030L, 2, 1, 64, "incremental_feature_attention");
        assertThat(out.getOutput()).hasSize(64);
        assertThat(out.getModelSha256()).hasSize(64);
        var weights = h.weights().get(1);
        assertThat(weights.getWindowStartPosition()).isEqualTo(100);
        assertThat(weights.getHeads()).isEqualTo(4);
        assertThat(weights.getQueryRows()).isEqualTo(1);
        assertThat(weights.getWeights()).hasSize(4 * 2);
    }

    @Test
    void weightsOffEmitsNoWeights() throws Exception {
        h = IncrementalHarness.open(config(N, 4, NO_TIMEOUT, false));
        h.send(events("a", 0, 2)).endInput();
        assertThat(h.outputs()).hasSize(3);
        assertThat(h.weights()).isEmpty();
    }

    @Test
    void windowSizeOneCachesNothing() throws Exception {
        h = IncrementalHarness.open(config(1, 2));

        h.send(events("a", 0, 3)).endInput();

        assertThat(h.outputs()).extracting(AttentionOutput::getLength).containsOnly(1);
        assertThat(h.stateEntries()).isEqualTo(STATE_AFTER_FLUSH);
        assertThat(h.timers()).as("only the expiry").isEqualTo(1);
        assertEqualsTheFullModel(1, events("a", 0, 3));
    }

    // ---- flushes and expiry ----

    @Test
    void endOfSequenceDropsTheCacheAndTheNextEventStartsANewWindow() throws Exception {
        h = IncrementalHarness.open(config(N, 3));

        h.send(event("a", 0), event("a", 1), event("a", 2).endingSequence(), event("a", 3))
                .endInput();

        assertThat(h.outputs())
                .extracting(AttentionOutput::getWindowStartPosition, AttentionOutput::getLength)
                .containsExactly(tuple(0L, 1), tuple(0L, 2), tuple(0L, 3), tuple(3L, 1));
        assertThat(((Counter) h.metric("flushes")).getCount()).isEqualTo(1);
    }

    @Test
    void anIdleKeysCacheIsDroppedWhenTheWatermarkPassesItsLastEventPlusTheIdleFlush() throws Exception {
        h = IncrementalHarness.open(config(N, 1));
        h.send(events("a", 0, 2));

        h.watermark(ts(2) + IDLE - 1);
        assertThat(h.cacheOf("a").entries()).isEqualTo(3);
        assertThat(h.timers()).as("idle flush and expiry").isEqualTo(2);

        h.watermark(ts(2) + IDLE);
        assertThat(h.cacheOf("a")).isNull();
        assertThat(h.stateEntries()).isEqualTo(STATE_AFTER_FLUSH);
        assertThat(h.timers()).as("the expiry").isEqualTo(1);

        h.send(Event.ofFeatures("a", 3, ts(2) + IDLE, IncrementalHarness.features("a", 3)));
        assertThat(h.outputs().get(3).getWindowStartPosition()).isEqualTo(3);
        assertThat(h.outputs().get(3).getLength()).isEqualTo(1);
    }

    @Test
    void aWatermarkRunsTheWaitingEventsBeforeItsTimersFire() throws Exception {
        h = IncrementalHarness.open(config(N, 100));
        h.send(events("a", 0, 1));
        assertThat(h.outputs()).isEmpty();

        h.watermark(ts(1) + IDLE);

        assertThat(h.outputs()).hasSize(2);
        assertThat(h.cacheOf("a"))
                .as("the idle flush saw the cache the batch left")
                .isNull();
    }

    @Test
    void theStateTtlDropsAllStateAndTimersOfAnIdleKey() throws Exception {
        h = IncrementalHarness.open(config(N, 1));
        h.send(event("a", 0), event("a", 1).endingSequence());
        assertThat(h.stateEntries()).isEqualTo(STATE_AFTER_FLUSH);

        h.watermark(ts(1) + TTL - 1);
        assertThat(h.stateEntries()).isEqualTo(STATE_AFTER_FLUSH);
        h.watermark(ts(1) + TTL);
        assertThat(h.stateEntries()).isZero();
        assertThat(h.timers()).isZero();

        // Forgotten: the key may start again from position 0.
        h.send(Event.ofFeatures("a", 0, ts(1) + TTL, IncrementalHarness.features("a", 0)));
        assertThat(h.deadLetters()).isEmpty();
        assertThat(h.stateEntries()).isEqualTo(STATE_WHILE_OPEN);
    }

    @Test
    void theEndOfInputRunsEverythingAndDropsAllState() throws Exception {
        h = IncrementalHarness.open(config(N, 100));
        h.send(events("a", 0, 3)).send(events("b", 0, 1));

        h.watermark(Long.MAX_VALUE);
        h.endInput();

        assertThat(h.outputs()).hasSize(6);
        assertThat(h.stateEntries()).isZero();
        assertThat(h.timers()).isZero();
    }

    // ---- state bounds ----

    @Test
    void aKeysStateHoldsAtMostNMinusOneKeysAndValuesAndGoesWithAFlush() throws Exception {
        h = IncrementalHarness.open(config(N, 4));
        h.send(events("a", 0, 3 * N)).endInput();

        KeyValueCache cache = h.cacheOf("a");
        assertThat(cache.entries()).isEqualTo(N - 1);
        assertThat(cache.position(0)).as("oldest cached").isEqualTo(2L * N + 2);
        assertThat(cache.position(N - 2)).as("newest cached").isEqualTo(3L * N);
        assertThat(cache.keys).hasSize((N - 1) * DIM);
        assertThat(cache.values).hasSize((N - 1) * DIM);
        assertThat(cache.positions).hasSize(N - 1);
        assertThat(cache.timestamps).hasSize(N - 1);
        TypeSerializer<KeyValueCache> serializer =
                TypeInformation.of(KeyValueCache.class).createSerializer(new SerializerConfigImpl());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        serializer.serialize(cache, new DataOutputViewStreamWrapper(bytes));
        assertThat(bytes.size())
                .as("serialized cache: 2·n·d floats plus positions, times and a constant")
                .isLessThanOrEqualTo(4 * 2 * N * DIM + 16 * N + 64);
        assertThat(h.stateEntries()).isEqualTo(STATE_WHILE_OPEN);

        h.send(event("a", 3 * N + 1).endingSequence()).endInput();

        assertThat(h.cacheOf("a")).isNull();
        assertThat(h.stateEntries()).isEqualTo(STATE_AFTER_FLUSH);
        assertThat(h.timers()).as("the expiry").isEqualTo(1);
    }

    @Test
    void aShortKeysCacheIsOnlyAsLargeAsItsEvents() throws Exception {
        h = IncrementalHarness.open(config(64, 1));
        h.send(events("a", 0, 2));
        assertThat(h.cacheOf("a").keys.length).isLessThanOrEqualTo(4 * DIM);
    }

    @Test
    void theCacheIsStoredAsAFlinkPojo() {
        assertThat(TypeInformation.of(KeyValueCache.class)).isInstanceOf(PojoTypeInfo.class);
    }

    // ---- batching ----

    @Test
    void aSnapshotWithWaitingEventsIsRefusedRatherThanLosingThem() throws Exception {
        h = IncrementalHarness.open(config(N, 100));
        h.send(events("a", 0, 1));

        assertThatThrownBy(() -> h.snapshotWithoutBarrier(1L))
                .hasStackTraceContaining("wait for the model at a snapshot");
    }

    // ---- rejections ----

    @Test
    void rejectedEventsGoToDeadLettersAndLeaveTheWindowAlone() throws Exception {
        h = IncrementalHarness.open(config(N, 3));
        h.watermark(ts(0));
        Event nan = Event.ofFeatures("a", 2, ts(2), new float[DIM]);
        nan.features[5] = Float.NaN;
        Event late = Event.ofFeatures("a", 2, ts(0) - 1, IncrementalHarness.features("a", 2));

        h.send(event("a", 0), event("a", 1), event("a", 1), event("a", 0), nan, late, event("a", 2))
                .endInput();

        assertThat(h.deadLetters())
                .extracting(RejectedRecord::getReason)
                .containsExactly(
                        RejectReason.OUT_OF_ORDER,
                        RejectReason.OUT_OF_ORDER,
                        RejectReason.NON_FINITE,
                        RejectReason.LATE);
        assertThat(h.deadLetters().get(2).getMessage())
                .isEqualTo(new EventValidator(IncrementalHarness.windower(N))
                        .check(nan)
                        .message());
        assertThat(h.deadLetters().get(3).getMessage()).contains("1 ms behind", "--max-out-of-orderness-ms");
        assertThat(h.outputs())
                .extracting(AttentionOutput::getWindowEndPosition, AttentionOutput::getLength)
                .containsExactly(tuple(0L, 1), tuple(1L, 2), tuple(2L, 3));
        assertThat(((Counter) h.metric("rejected.OUT_OF_ORDER")).getCount()).isEqualTo(2);
        assertThat(((Counter) h.metric("windowsEmitted")).getCount()).isEqualTo(3);
    }

    @Test
    void anEventTheModelAnswersWithNonFiniteValuesIsSetAsideAndItsKeyStartsAfresh() throws Exception {
        h = IncrementalHarness.open(config(N, 4));
        float[] huge = new float[DIM];
        Arrays.fill(huge, 3e38f);
        Event overflow = Event.ofFeatures("a", 2, ts(2), huge).readFrom("events", 1, 42L);

        h.send(event("a", 0), event("a", 1), event("b", 0), overflow, event("a", 3), event("b", 1))
                .endInput();

        assertThat(h.deadLetters()).singleElement().satisfies(dead -> {
            assertThat(dead.getReason()).isEqualTo(RejectReason.INFERENCE_FAILED);
            assertThat(dead.getKey()).isEqualTo("a");
            assertThat(dead.getSourceOffset()).isEqualTo(42L);
            assertThat(dead.getMessage()).contains("Event 2 of key a", "non-finite");
        });
        assertThat(h.outputs())
                .extracting(
                        AttentionOutput::getKey, AttentionOutput::getWindowStartPosition, AttentionOutput::getLength)
                .containsExactly(
                        // A batch runs in waves, a key at most once each: [a0 b0] [a1] [a2], then [a3 b1].
                        tuple("a", 0L, 1), tuple("b", 0L, 1), tuple("a", 0L, 2), tuple("a", 3L, 1), tuple("b", 0L, 2));
        assertThat(((Counter) h.metric("rejected.INFERENCE_FAILED")).getCount()).isEqualTo(1);
    }

    // ---- configuration ----

    @Test
    void aStrideOtherThanOneIsRefusedNamingTheSetting() {
        WindowerConfig strided = WindowerConfig.builder()
                .windowSize(N)
                .stride(2)
                .idleFlushMs(IDLE)
                .stateTtlMs(TTL)
                .inputKind(InputKind.FEATURES)
                .featureDim(DIM)
                .build();
        assertThatThrownBy(() -> new IncrementalConfig(
                        strided,
                        new BatchingConfig(4, 10, WeightsMode.LAST_ROW, OutputRows.LAST, ModelConfig.defaults()),
                        IncrementalNames.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--stride must be 1");
    }

    @Test
    void allOutputRowsAreRefusedAndWeightsModesMapToTheOneRow() {
        WindowerConfig windower = IncrementalHarness.windower(N);
        assertThatThrownBy(() -> IncrementalConfig.of(
                        windower, new BatchingConfig(8, 10, WeightsMode.FULL, OutputRows.ALL, ModelConfig.defaults())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--output-rows last");
        assertThat(IncrementalConfig.of(
                                windower,
                                new BatchingConfig(
                                        8, 10, WeightsMode.LAST_ROW, OutputRows.LAST, ModelConfig.defaults()))
                        .emitWeights())
                .isTrue();
        assertThat(IncrementalConfig.of(
                                windower,
                                new BatchingConfig(8, 10, WeightsMode.OFF, OutputRows.LAST, ModelConfig.defaults()))
                        .emitWeights())
                .isFalse();
    }

    @Test
    void aWindowerForAnotherFeatureDimensionIsRefusedAtOpen() {
        WindowerConfig narrow = WindowerConfig.builder()
                .windowSize(N)
                .stride(1)
                .idleFlushMs(IDLE)
                .stateTtlMs(TTL)
                .inputKind(InputKind.FEATURES)
                .featureDim(32)
                .build();
        IncrementalConfig config = new IncrementalConfig(
                narrow,
                new BatchingConfig(4, 10, WeightsMode.LAST_ROW, OutputRows.LAST, ModelConfig.defaults()),
                IncrementalNames.defaults());
        assertThatThrownBy(() -> IncrementalHarness.open(config))
                .hasStackTraceContaining("takes 64 features per event");
    }

    // ---- fixtures ----

    private static List<Event> events(String key, long first, long last) {
        List<Event> events = new ArrayList<>();
        for (long p = first; p <= last; p++) {
            events.add(event(key, p));
        }
        return events;
    }

    private void assertEqualsTheFullModel(int windowSize, List<Event> stream) {
        ReferenceWindows reference = ReferenceWindows.of(stream, windowSize);
        assertThat(h.outputs())
                .hasSize(stream.size())
                .allSatisfy(out -> assertThat(reference.outputDiff(out))
                        .as("%s/%d", out.getKey(), out.getWindowEndPosition())
                        .isLessThanOrEqualTo(VS_PYTORCH));
        assertThat(h.weights())
                .allSatisfy(w -> assertThat(reference.weightsDiff(w)).isLessThanOrEqualTo(VS_PYTORCH));
    }
}
