package io.attentionstream.operators.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.RejectReason;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.EventValidator;
import io.attentionstream.core.window.KeyBuffer;
import io.attentionstream.core.window.SequenceEventCodec;
import io.attentionstream.core.window.Window;
import io.attentionstream.core.window.WindowerConfig;
import io.attentionstream.operators.MetricCapture;
import io.attentionstream.operators.SideOutputs;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DESIGN.md's window semantics, one rule per test, on a keyed operator harness. Expected windows are
 * built from positions alone ({@link #row}, {@link #ts}), never taken from the windower.
 */
class SequenceWindowerTest {

    private static final int DIM = 2;
    private static final int VOCAB = 100;
    private static final long IDLE = 100;
    private static final long TTL = 1_000;
    private static final long T0 = 10_000;

    /** With a flushed key: its last position and newest event time. */
    private static final int STATE_AFTER_FLUSH = 2;
    /** With buffered events: the buffer too. */
    private static final int STATE_WHILE_BUFFERING = 3;

    private final MetricCapture metrics = new MetricCapture();
    private MockEnvironment environment;
    private KeyedOneInputStreamOperatorTestHarness<String, Event, Window> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
        if (environment != null) {
            environment.close();
        }
    }

    // ---- counting windows ----

    @Test
    void strideOneEmitsAWindowForEveryEventOnceTheFirstIsFull() throws Exception {
        open(features(3, 1));

        send(events("a", 0, 1));
        assertThat(windows()).isEmpty();
        send(events("a", 2, 4));

        assertThat(windows()).containsExactly(window("a", 0, 1, 2), window("a", 1, 2, 3), window("a", 2, 3, 4));
    }

    @Test
    void strideTwoEmitsAWindowEverySecondEvent() throws Exception {
        open(features(4, 2));

        send(events("a", 0, 7));

        assertThat(windows())
                .containsExactly(window("a", 0, 1, 2, 3), window("a", 2, 3, 4, 5), window("a", 4, 5, 6, 7));
    }

    @Test
    void strideEqualToTheWindowSizeGivesDisjointWindowsAndBuffersNothingAfterEach() throws Exception {
        open(features(3, 3));

        send(events("a", 0, 8));

        assertThat(windows()).containsExactly(window("a", 0, 1, 2), window("a", 3, 4, 5), window("a", 6, 7, 8));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(STATE_AFTER_FLUSH);
        assertThat(harness.numEventTimeTimers()).as("only the expiry timer").isEqualTo(1);
    }

    @Test
    void aWindowCarriesItsEventsPositionsAndFirstAndLastTimestamps() throws Exception {
        open(features(3, 3));

        // Positions may skip; event times may step back within what the watermark allows.
        send(
                Event.ofFeatures("a", 10, 500, new float[] {1f, 2f}),
                Event.ofFeatures("a", 12, 520, new float[] {3f, 4f}),
                Event.ofFeatures("a", 15, 510, new float[] {5f, 6f}));

        assertThat(windows())
                .containsExactly(Window.ofFeatures("a", 10, 15, 500, 510, 3, new float[] {1f, 2f, 3f, 4f, 5f, 6f}));
    }

    @Test
    void tokenModelsGetTokenWindows() throws Exception {
        open(tokens(2, 1));

        send(Event.ofToken("a", 0, 100, 7), Event.ofToken("a", 1, 110, 8), Event.ofToken("a", 2, 120, 9));

        assertThat(windows())
                .containsExactly(
                        Window.ofTokens("a", 0, 1, 100, 110, 2, new long[] {7, 8}),
                        Window.ofTokens("a", 1, 2, 110, 120, 2, new long[] {8, 9}));
    }

    @Test
    void interleavedKeysAreWindowedIndependently() throws Exception {
        open(features(2, 1));

        send(event("a", 0), event("b", 0), event("a", 1), event("b", 1), event("a", 2));

        assertThat(windows()).containsExactly(window("a", 0, 1), window("b", 0, 1), window("a", 1, 2));
    }

    // ---- flushes ----

    @Test
    void endOfSequenceFlushesTheWindowAtTheNextStrideBoundary() throws Exception {
        open(features(4, 2));

        send(events("a", 0, 5));
        send(event("a", 6).endingSequence());

        assertThat(windows()).containsExactly(window("a", 0, 1, 2, 3), window("a", 2, 3, 4, 5), window("a", 4, 5, 6));
        assertFlushedState(1);
    }

    @Test
    void endOfSequenceEmitsNothingWhenEveryEventIsCovered() throws Exception {
        open(features(3, 1));

        send(events("a", 0, 2));
        send(event("a", 3).endingSequence());

        assertThat(windows()).containsExactly(window("a", 0, 1, 2), window("a", 1, 2, 3));
        assertThat(counter("flushes")).isEqualTo(1);
        assertFlushedState(1);
    }

    @Test
    void aKeyWithFewerEventsThanTheWindowYieldsOneShortWindow() throws Exception {
        open(features(4, 1));

        send(event("a", 0), event("a", 1).endingSequence());

        assertThat(windows()).containsExactly(window("a", 0, 1));
    }

    @Test
    void anIdleKeyIsFlushedWhenTheWatermarkPassesItsLastEventPlusTheIdleFlush() throws Exception {
        open(features(4, 1));
        send(events("a", 0, 1));

        harness.processWatermark(ts(1) + IDLE - 1);
        assertThat(windows()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(STATE_WHILE_BUFFERING);
        assertThat(harness.numEventTimeTimers()).as("idle flush and expiry").isEqualTo(2);

        harness.processWatermark(ts(1) + IDLE);
        assertThat(windows()).containsExactly(window("a", 0, 1));
        assertFlushedState(1);
    }

    @Test
    void everyEventPostponesTheIdleFlush() throws Exception {
        open(features(4, 1));
        send(Event.ofFeatures("a", 0, 1_000, row(0)));
        harness.processWatermark(1_050);
        send(Event.ofFeatures("a", 1, 1_060, row(1)));

        harness.processWatermark(1_000 + IDLE);
        assertThat(windows()).isEmpty();
        assertThat(harness.numEventTimeTimers())
                .as("the first event's timers were replaced")
                .isEqualTo(2);

        harness.processWatermark(1_060 + IDLE);
        assertThat(windows()).containsExactly(Window.ofFeatures("a", 0, 1, 1_000, 1_060, 2, rows(0, 1)));
    }

    @Test
    void idlenessCountsFromTheNewestEventTime() throws Exception {
        open(features(4, 1));
        send(Event.ofFeatures("a", 0, 1_000, row(0)), Event.ofFeatures("a", 1, 990, row(1)));

        harness.processWatermark(990 + IDLE);
        assertThat(windows()).isEmpty();

        harness.processWatermark(1_000 + IDLE);
        assertThat(windows()).containsExactly(Window.ofFeatures("a", 0, 1, 1_000, 990, 2, rows(0, 1)));
    }

    @Test
    void theEndOfInputFlushesEveryKeyAndDropsAllState() throws Exception {
        open(features(3, 2));
        send(events("a", 0, 3));
        send(events("b", 0, 1));

        harness.processWatermark(Long.MAX_VALUE);

        assertThat(windows()).containsExactlyInAnyOrder(window("a", 0, 1, 2), window("a", 2, 3), window("b", 0, 1));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void afterAFlushTheNextWindowStartsWithTheNextEvent() throws Exception {
        open(features(3, 1));
        send(event("a", 0), event("a", 1).endingSequence());

        send(events("a", 2, 4));

        assertThat(windows()).containsExactly(window("a", 0, 1), window("a", 2, 3, 4));
    }

    // ---- expiry ----

    @Test
    void aReplayAfterAFlushIsStillOutOfOrder() throws Exception {
        open(features(3, 1));
        send(event("a", 0), event("a", 1).endingSequence());

        send(event("a", 1), event("a", 0));

        assertThat(reasons()).containsExactly(RejectReason.OUT_OF_ORDER, RejectReason.OUT_OF_ORDER);
        assertFlushedState(1);
    }

    @Test
    void theStateTtlDropsAllStateAndTimersOfAnIdleKey() throws Exception {
        open(features(3, 1));
        send(event("a", 0), event("a", 1).endingSequence());

        harness.processWatermark(ts(1) + TTL - 1);
        assertFlushedState(1);

        harness.processWatermark(ts(1) + TTL);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();

        // Forgotten: the key may start again from position 0.
        send(Event.ofFeatures("a", 0, ts(1) + TTL, row(0)));
        assertThat(rejected()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(STATE_WHILE_BUFFERING);
    }

    @Test
    void idleFlushAndExpiryDueAtOnceBothHappen() throws Exception {
        open(config(4, 1, InputKind.FEATURES, IDLE, IDLE));
        send(events("a", 0, 1));
        assertThat(harness.numEventTimeTimers())
                .as("one timer serves both deadlines")
                .isEqualTo(1);

        harness.processWatermark(ts(1) + IDLE);

        assertThat(windows()).containsExactly(window("a", 0, 1));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void anIdleFlushDueWhenAnOldExpiryWasDueStillHappens() throws Exception {
        open(config(4, 1, InputKind.FEATURES, 10, 20));
        // The first event's expiry (1_020) is the second event's idle flush: one timer, still needed.
        send(Event.ofFeatures("a", 0, 1_000, row(0)), Event.ofFeatures("a", 1, 1_010, row(1)));

        harness.processWatermark(1_020);
        assertThat(windows()).containsExactly(Window.ofFeatures("a", 0, 1, 1_000, 1_010, 2, rows(0, 1)));
        assertFlushedState(1);

        harness.processWatermark(1_030);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    // ---- rejections ----

    @Test
    void anEventBeforeTheLastAcceptedPositionIsOutOfOrder() throws Exception {
        open(features(3, 1));

        send(event("a", 0), event("a", 2), event("a", 1), event("a", 3));

        assertThat(rejected()).singleElement().satisfies(r -> {
            assertThat(r.getReason()).isEqualTo(RejectReason.OUT_OF_ORDER);
            assertThat(r.getMessage()).contains("Position 1", "last accepted position 2");
        });
        assertThat(windows())
                .containsExactly(Window.ofFeatures("a", 0, 3, ts(0), ts(3), 3, concat(row(0), row(2), row(3))));
    }

    @Test
    void aDuplicatePositionIsOutOfOrder() throws Exception {
        open(features(3, 1));

        send(event("a", 0), event("a", 1), event("a", 1));

        assertThat(reasons()).containsExactly(RejectReason.OUT_OF_ORDER);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(STATE_WHILE_BUFFERING);
    }

    @Test
    void aNegativePositionIsOutOfOrder() throws Exception {
        open(features(3, 1));

        send(event("a", -1));

        assertThat(rejected()).singleElement().satisfies(r -> {
            assertThat(r.getReason()).isEqualTo(RejectReason.OUT_OF_ORDER);
            assertThat(r.getMessage()).contains("-1", "negative");
        });
        assertNoState();
    }

    @Test
    void anEventOlderThanTheWatermarkIsLate() throws Exception {
        open(features(3, 1));
        harness.processWatermark(5_000);

        send(Event.ofFeatures("a", 0, 4_999, row(0)), Event.ofFeatures("a", 1, 5_000, row(1)));

        assertThat(rejected()).singleElement().satisfies(r -> {
            assertThat(r.getReason()).isEqualTo(RejectReason.LATE);
            assertThat(r.getMessage()).contains("4999", "1 ms behind", "--max-out-of-orderness-ms");
        });
        assertThat(harness.numKeyedStateEntries())
                .as("the event at the watermark is accepted")
                .isEqualTo(STATE_WHILE_BUFFERING);
    }

    static Stream<Arguments> invalidEvents() {
        Event both = Event.ofFeatures("a", 0, T0, row(0));
        both.token = 1L;
        return Stream.of(
                Arguments.of(InputKind.FEATURES, Event.ofFeatures("", 0, T0, row(0)), RejectReason.MALFORMED),
                Arguments.of(InputKind.FEATURES, Event.ofFeatures("a", 0, T0, null), RejectReason.MISSING_PAYLOAD),
                Arguments.of(InputKind.FEATURES, Event.ofToken("a", 0, T0, 1), RejectReason.WRONG_INPUT_KIND),
                Arguments.of(InputKind.TOKENS, Event.ofFeatures("a", 0, T0, row(0)), RejectReason.WRONG_INPUT_KIND),
                Arguments.of(InputKind.FEATURES, both, RejectReason.WRONG_INPUT_KIND),
                Arguments.of(
                        InputKind.FEATURES,
                        Event.ofFeatures("a", 0, T0, new float[DIM + 1]),
                        RejectReason.BAD_DIMENSION),
                Arguments.of(
                        InputKind.FEATURES,
                        Event.ofFeatures("a", 0, T0, new float[] {0f, Float.NaN}),
                        RejectReason.NON_FINITE),
                Arguments.of(InputKind.TOKENS, Event.ofToken("a", 0, T0, VOCAB), RejectReason.TOKEN_OUT_OF_RANGE));
    }

    @ParameterizedTest
    @MethodSource("invalidEvents")
    void anInvalidEventIsRejectedWithTheValidatorsReasonAndChangesNoState(
            InputKind kind, Event event, RejectReason reason) throws Exception {
        WindowerConfig config = config(1, 1, kind, IDLE, TTL);
        open(config);

        send(event);

        assertThat(windows()).isEmpty();
        assertThat(rejected()).singleElement().satisfies(r -> {
            assertThat(r.getReason()).isEqualTo(reason);
            assertThat(r.getMessage())
                    .isEqualTo(new EventValidator(config).check(event).message());
        });
        assertNoState();
    }

    @Test
    void rejectedEventsLeaveTheKeysWindowAlone() throws Exception {
        open(features(3, 1));
        send(event("a", 0));

        send(Event.ofFeatures("a", 1, ts(1), new float[] {Float.NaN, 0f}), event("a", 0));
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);
        send(events("a", 1, 2));

        assertThat(windows()).containsExactly(window("a", 0, 1, 2));
    }

    @Test
    void aDeadLetterCarriesTheSourceTheReencodedEventTheReasonAndTheTime() throws Exception {
        open(features(3, 1));
        harness.setProcessingTime(123_456L);
        Event bad = Event.ofFeatures("a", 4, T0, new float[] {Float.NEGATIVE_INFINITY, 1f});

        send(Event.ofFeatures("a", 4, T0, bad.features).readFrom("events", 3, 77L));

        RejectedRecord record = rejected().get(0);
        assertThat(record.getSourceTopic()).isEqualTo("events");
        assertThat(record.getSourcePartition()).isEqualTo(3);
        assertThat(record.getSourceOffset()).isEqualTo(77L);
        assertThat(record.getKey()).isEqualTo("a");
        assertThat(SequenceEventCodec.decode(bytes(record))).isEqualTo(bad);
        assertThat(record.getReason()).isEqualTo(RejectReason.NON_FINITE);
        assertThat(record.getMessage()).contains("features[0] is -Infinity");
        assertThat(record.getRejectedAt()).isEqualTo(123_456L);
    }

    @Test
    void aDeadLetterOfAnEventNotReadFromKafkaHasNoSource() throws Exception {
        open(features(3, 1));

        send(event("a", -5));

        RejectedRecord record = rejected().get(0);
        assertThat(record.getSourceTopic()).isNull();
        assertThat(record.getSourcePartition()).isNull();
        assertThat(record.getSourceOffset()).isNull();
        assertThat(SequenceEventCodec.decode(bytes(record))).isEqualTo(event("a", -5));
    }

    // ---- metrics and state types ----

    @Test
    void countsWindowsFlushesAndRejectionsByReason() throws Exception {
        open(features(2, 1));

        send(events("a", 0, 2));
        send(event("a", 3).endingSequence());
        send(event("b", 0), event("b", 0), event("b", -1));
        send(Event.ofToken("c", 0, T0, 1));
        harness.processWatermark(ts(0) + IDLE);

        assertThat(counter("windowsEmitted")).isEqualTo(windows().size()).isEqualTo(4);
        assertThat(counter("flushes")).as("end_of_sequence of a, idle b").isEqualTo(2);
        assertThat(counter("rejected.OUT_OF_ORDER")).isEqualTo(2);
        assertThat(counter("rejected.WRONG_INPUT_KIND")).isEqualTo(1);
        assertThat(counter("rejected.LATE")).isZero();
    }

    @Test
    void keyBufferIsStoredAsAFlinkPojo() {
        assertThat(TypeInformation.of(KeyBuffer.class)).isInstanceOf(PojoTypeInfo.class);
    }

    // ---- fixtures ----

    private void open(WindowerConfig config) throws Exception {
        environment = metrics.environment("windower");
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new SequenceWindower(config)),
                event -> event.key,
                Types.STRING,
                environment);
        harness.open();
    }

    private static WindowerConfig features(int windowSize, int stride) {
        return config(windowSize, stride, InputKind.FEATURES, IDLE, TTL);
    }

    private static WindowerConfig tokens(int windowSize, int stride) {
        return config(windowSize, stride, InputKind.TOKENS, IDLE, TTL);
    }

    private static WindowerConfig config(int windowSize, int stride, InputKind kind, long idle, long ttl) {
        return WindowerConfig.builder()
                .windowSize(windowSize)
                .stride(stride)
                .idleFlushMs(idle)
                .stateTtlMs(ttl)
                .inputKind(kind)
                .featureDim(DIM)
                .vocabSize(VOCAB)
                .build();
    }

    /** Feature values that name their position, so a window's contents can be checked by position. */
    private static float[] row(long position) {
        return new float[] {position, -0.5f * position};
    }

    private static long ts(long position) {
        return T0 + 10 * position;
    }

    private static Event event(String key, long position) {
        return Event.ofFeatures(key, position, ts(position), row(position));
    }

    private static Event[] events(String key, long first, long last) {
        List<Event> events = new ArrayList<>();
        for (long p = first; p <= last; p++) {
            events.add(event(key, p));
        }
        return events.toArray(new Event[0]);
    }

    /** The window the rules say holds these positions of the key, in order. */
    private static Window window(String key, long... positions) {
        float[] features = new float[0];
        for (long p : positions) {
            features = concat(features, row(p));
        }
        long first = positions[0];
        long last = positions[positions.length - 1];
        return Window.ofFeatures(key, first, last, ts(first), ts(last), positions.length, features);
    }

    private static float[] rows(long... positions) {
        return window("any", positions).features;
    }

    private static float[] concat(float[]... parts) {
        float[] all = new float[0];
        for (float[] part : parts) {
            float[] grown = Arrays.copyOf(all, all.length + part.length);
            System.arraycopy(part, 0, grown, all.length, part.length);
            all = grown;
        }
        return all;
    }

    private void send(Event... events) throws Exception {
        for (Event event : events) {
            harness.processElement(event, event.timestamp);
        }
    }

    private List<Window> windows() {
        return harness.extractOutputValues();
    }

    private List<RejectedRecord> rejected() {
        Queue<StreamRecord<RejectedRecord>> side = harness.getSideOutput(SideOutputs.DEAD_LETTERS);
        return side == null
                ? List.of()
                : side.stream().map(StreamRecord::getValue).toList();
    }

    private List<RejectReason> reasons() {
        return rejected().stream().map(RejectedRecord::getReason).toList();
    }

    private static byte[] bytes(RejectedRecord record) {
        ByteBuffer value = record.getValue().duplicate();
        byte[] bytes = new byte[value.remaining()];
        value.get(bytes);
        return bytes;
    }

    private long counter(String name) {
        return ((Counter) metrics.metric(name)).getCount();
    }

    private void assertFlushedState(int timers) {
        assertThat(harness.numKeyedStateEntries())
                .as("last position and newest event time")
                .isEqualTo(STATE_AFTER_FLUSH);
        assertThat(harness.numEventTimeTimers()).as("the expiry timer").isEqualTo(timers);
    }

    private void assertNoState() {
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
