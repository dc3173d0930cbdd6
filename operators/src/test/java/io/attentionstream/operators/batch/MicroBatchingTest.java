package io.attentionstream.operators.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.core.batch.BatchingConfig;
import io.attentionstream.core.golden.GoldenCase;
import io.attentionstream.core.incremental.IncrementalConfig;
import io.attentionstream.core.incremental.IncrementalGolden;
import io.attentionstream.core.incremental.IncrementalNames;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.model.OnnxModel;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.Window;
import io.attentionstream.core.window.WindowerConfig;
import io.attentionstream.operators.SideOutputs;
import io.attentionstream.operators.incremental.IncrementalAttention;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * When a {@link MicroBatchingOperator} runs what waits, once for both modes: full ({@link BatchedAttention},
 * windows) and incremental ({@link IncrementalAttention}, events of two keys taking turns).
 */
class MicroBatchingTest {
    private static final long NO_TIMEOUT = BatchingConfig.MAX_BATCH_TIMEOUT_MS;

    /** One operator on its harness; item {@code i} is a window or an event, the same for every test. */
    private interface Driver extends AutoCloseable {
        void send(int i) throws Exception;

        OneInputStreamOperatorTestHarness<?, AttentionOutput> harness();

        default int outputs() {
            return harness().extractOutputValues().size();
        }

        default int weights() {
            var weights = harness().getSideOutput(SideOutputs.WEIGHTS);
            return weights == null ? 0 : weights.size();
        }

        @Override
        default void close() throws Exception {
            harness().close();
        }
    }

    @FunctionalInterface
    private interface Mode {
        Driver open(int batchSize, long timeoutMs) throws Exception;
    }

    static Stream<Arguments> modes() {
        return Stream.of(Arguments.of("full", (Mode) MicroBatchingTest::full), Arguments.of("incremental", (Mode)
                MicroBatchingTest::incremental));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void runsWhenTheBatchIsFullAndWhenItTimesOut(String name, Mode mode) throws Exception {
        try (Driver d = mode.open(2, 50)) {
            d.harness().setProcessingTime(1_000);
            d.send(0);
            assertThat(d.outputs())
                    .as("one item waits for a second or the timeout")
                    .isZero();
            d.send(1);
            assertThat(d.outputs()).as("a full batch runs at once").isEqualTo(2);

            d.send(2);
            d.harness().setProcessingTime(1_049);
            assertThat(d.outputs()).isEqualTo(2);
            d.harness().setProcessingTime(1_050);
            assertThat(d.outputs()).as("the timeout runs a partial batch").isEqualTo(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void aBatchStartedAfterAnEarlierOneFilledTimesOutFromItsOwnFirstItem(String name, Mode mode) throws Exception {
        try (Driver d = mode.open(2, 50)) {
            d.harness().setProcessingTime(1_000);
            d.send(0);
            d.send(1);
            d.harness().setProcessingTime(1_030);
            d.send(2);

            d.harness().setProcessingTime(1_050);
            assertThat(d.outputs())
                    .as("the first batch's deadline is not the second's")
                    .isEqualTo(2);
            d.harness().setProcessingTime(1_079);
            assertThat(d.outputs()).isEqualTo(2);
            d.harness().setProcessingTime(1_080);
            assertThat(d.outputs())
                    .as("50 ms after the second batch's first item")
                    .isEqualTo(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void runsEverythingBeforeACheckpointBarrier(String name, Mode mode) throws Exception {
        try (Driver d = mode.open(100, NO_TIMEOUT)) {
            for (int i = 0; i < 5; i++) {
                d.send(i);
            }
            assertThat(d.outputs()).isZero();
            d.harness().prepareSnapshotPreBarrier(1L);
            assertThat(d.outputs()).isEqualTo(5);
            assertThat(d.weights()).isEqualTo(5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void runsEverythingAtTheEndOfInput(String name, Mode mode) throws Exception {
        try (Driver d = mode.open(100, NO_TIMEOUT)) {
            for (int i = 0; i < 3; i++) {
                d.send(i);
            }
            d.harness().endInput();
            assertThat(d.outputs()).isEqualTo(3);
        }
    }

    // ---- the two modes ----

    private static Driver full(int batchSize, long timeoutMs) throws Exception {
        List<Window> windows = GoldenCase.all("feature_attention").stream()
                .flatMap(c -> c.windows().stream())
                .limit(5)
                .toList();
        BatchingConfig config =
                new BatchingConfig(batchSize, timeoutMs, WeightsMode.FULL, OutputRows.ALL, ModelConfig.defaults());
        var harness = new OneInputStreamOperatorTestHarness<Window, AttentionOutput>(
                new BatchedAttention(config, OnnxModel.readModelFile(GoldenCase.modelFile("feature_attention"))));
        harness.open();
        return new Driver() {
            @Override
            public void send(int i) throws Exception {
                harness.processElement(new StreamRecord<>(windows.get(i)));
            }

            @Override
            public OneInputStreamOperatorTestHarness<?, AttentionOutput> harness() {
                return harness;
            }
        };
    }

    private static Driver incremental(int batchSize, long timeoutMs) throws Exception {
        int dim = 64;
        WindowerConfig windower = WindowerConfig.builder()
                .windowSize(8)
                .stride(1)
                .idleFlushMs(100)
                .stateTtlMs(1_000)
                .inputKind(InputKind.FEATURES)
                .featureDim(dim)
                .build();
        IncrementalConfig config = new IncrementalConfig(
                windower,
                new BatchingConfig(batchSize, timeoutMs, WeightsMode.LAST_ROW, OutputRows.LAST, ModelConfig.defaults()),
                IncrementalNames.defaults());
        var harness = new KeyedOneInputStreamOperatorTestHarness<String, Event, AttentionOutput>(
                new IncrementalAttention(
                        config, OnnxModel.readModelFile(GoldenCase.modelFile(IncrementalGolden.MODEL))),
                event -> event.key,
                Types.STRING);
        harness.open();
        Random random = new Random(7);
        return new Driver() {
            @Override
            public void send(int i) throws Exception {
                float[] x = new float[dim];
                for (int k = 0; k < dim; k++) {
                    x[k] = (float) random.nextGaussian();
                }
                // Keys a and b take turns: a key's second event in a batch waits for its first.
                Event event = Event.ofFeatures(i % 2 == 0 ? "a" : "b", i / 2, 10_000 + i, x);
                harness.processElement(event, event.timestamp);
            }

            @Override
            public OneInputStreamOperatorTestHarness<?, AttentionOutput> harness() {
                return harness;
            }
        };
    }
}
