package io.attentionstream.operators.batch;

import static io.attentionstream.core.golden.Tolerance.VS_PYTORCH;
import static io.attentionstream.core.golden.Tolerance.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.avro.RejectReason;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.core.batch.BatchingConfig;
import io.attentionstream.core.golden.GoldenCase;
import io.attentionstream.core.model.AttentionModel;
import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.core.window.Window;
import io.attentionstream.operators.OutputFields;
import io.attentionstream.operators.SideOutputs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BatchedAttentionTest {
    private static final long NO_TIMEOUT = BatchingConfig.MAX_BATCH_TIMEOUT_MS;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"feature_attention", "token_attention"})
    void goldenWindowsOfMixedLengthsInOneBatchEqualPyTorch(String model) throws Exception {
        Map<String, Expected> expected = new HashMap<>();
        List<Window> windows = new ArrayList<>();
        for (GoldenCase c : GoldenCase.all(model)) {
            List<Window> caseWindows = c.windows();
            for (int b = 0; b < caseWindows.size(); b++) {
                windows.add(caseWindows.get(b));
                expected.put(caseWindows.get(b).key, new Expected(c.expectedOutput(b), c.expectedWeights(b)));
            }
        }
        Collections.shuffle(windows, new Random(7));

        Emitted emitted = runBatched(model, windows, windows.size(), WeightsMode.FULL, OutputRows.ALL);

        assertThat(emitted.outputs).hasSize(windows.size());
        assertThat(emitted.weights).hasSize(windows.size());
        assertThat(emitted.deadLetters).isEmpty();
        for (AttentionOutput out : emitted.outputs) {
            assertThat(maxAbsDiff(toArray(out.getOutput()), expected.get(out.getKey()).output))
                    .as("output of %s", out.getKey())
                    .isLessThanOrEqualTo(VS_PYTORCH);
        }
        for (AttentionWeights w : emitted.weights) {
            assertThat(maxAbsDiff(toArray(w.getWeights()), expected.get(w.getKey()).weights))
                    .as("weights of %s", w.getKey())
                    .isLessThanOrEqualTo(VS_PYTORCH);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"feature_attention", "token_attention"})
    void batchedResultEqualsOneWindowAtATime(String model) throws Exception {
        List<Window> windows = GoldenCase.all(model).stream()
                .flatMap(c -> c.windows().stream())
                .toList();

        Emitted batched = runBatched(model, windows, windows.size(), WeightsMode.FULL, OutputRows.ALL);
        Emitted alone = runBatched(model, windows, 1, WeightsMode.FULL, OutputRows.ALL);

        Map<String, AttentionOutput> aloneByKey = byKey(alone.outputs, AttentionOutput::getKey);
        for (AttentionOutput out : batched.outputs) {
            assertThat(maxAbsDiff(
                            toArray(out.getOutput()),
                            toArray(aloneByKey.get(out.getKey()).getOutput())))
                    .as("%s batched vs alone", out.getKey())
                    .isLessThanOrEqualTo(1e-5f);
        }
        Map<String, AttentionWeights> aloneWeights = byKey(alone.weights, AttentionWeights::getKey);
        for (AttentionWeights w : batched.weights) {
            assertThat(maxAbsDiff(
                            toArray(w.getWeights()),
                            toArray(aloneWeights.get(w.getKey()).getWeights())))
                    .as("%s batched vs alone", w.getKey())
                    .isLessThanOrEqualTo(1e-5f);
        }
    }

    @Test
    void recordsCarryTheWindowAndTheModel() throws Exception {
        GoldenCase c = GoldenCase.all("feature_attention").stream()
                .filter(g -> g.name().equals("b3_s7_padded"))
                .findFirst()
                .orElseThrow();
        Window w = c.windows().get(1);
        w.startPosition = 100;
        w.endPosition = 103;
        w.startTimestamp = 5_000;
        w.endTimestamp = 5_030;

        try (Harness h = harness("feature_attention", 8, NO_TIMEOUT, WeightsMode.FULL, OutputRows.ALL)) {
            h.processElement(new StreamRecord<>(w, w.endTimestamp));
            h.endInput();
            @SuppressWarnings("unchecked")
            StreamRecord<AttentionOutput> record =
                    (StreamRecord<AttentionOutput>) h.getOutput().poll();
            AttentionOutput out = record.getValue();

            assertThat(record.getTimestamp()).isEqualTo(5_030);
            assertThat(OutputFields.windowOf(out))
                    .containsExactly(100L, 103L, 5_000L, 5_030L, 4, 4, 64, "feature_attention");
            assertThat(out.getOutput()).hasSize(4 * 64);
            assertThat(out.getModelSha256())
                    .isEqualTo(io.attentionstream.core.model.Sha256.hex(
                            AttentionModel.readModelFile(GoldenCase.modelFile("feature_attention"))));
            AttentionWeights weights =
                    h.getSideOutput(SideOutputs.WEIGHTS).poll().getValue();
            assertThat(weights.getHeads()).isEqualTo(4);
            assertThat(weights.getQueryRows()).isEqualTo(4);
            assertThat(weights.getWeights()).hasSize(4 * 4 * 4);
        }
    }

    @Test
    void lastRowAndLastOutputRowAreTheLastRowsOfTheFullResult() throws Exception {
        GoldenCase c = GoldenCase.all("feature_attention").stream()
                .filter(g -> g.name().equals("b3_s64_padded"))
                .findFirst()
                .orElseThrow();
        List<Window> windows = c.windows();

        Emitted last = runBatched("feature_attention", windows, 8, WeightsMode.LAST_ROW, OutputRows.LAST);

        Map<String, AttentionOutput> outputs = byKey(last.outputs, AttentionOutput::getKey);
        Map<String, AttentionWeights> weights = byKey(last.weights, AttentionWeights::getKey);
        for (int b = 0; b < windows.size(); b++) {
            int len = c.lengths()[b];
            AttentionOutput out = outputs.get(windows.get(b).key);
            float[] full = c.expectedOutput(b);
            assertThat(out.getRows()).isEqualTo(1);
            assertThat(maxAbsDiff(
                            toArray(out.getOutput()), java.util.Arrays.copyOfRange(full, (len - 1) * 64, len * 64)))
                    .isLessThanOrEqualTo(VS_PYTORCH);

            AttentionWeights w = weights.get(windows.get(b).key);
            assertThat(w.getQueryRows()).isEqualTo(1);
            float[] fullWeights = c.expectedWeights(b);
            float[] lastRows = new float[4 * len];
            for (int h = 0; h < 4; h++) {
                System.arraycopy(fullWeights, (h * len + len - 1) * len, lastRows, h * len, len);
            }
            assertThat(maxAbsDiff(toArray(w.getWeights()), lastRows)).isLessThanOrEqualTo(VS_PYTORCH);
        }
    }

    @Test
    void weightsOffEmitsNoWeights() throws Exception {
        List<Window> windows = GoldenCase.all("feature_attention").get(0).windows();
        Emitted emitted = runBatched("feature_attention", windows, 8, WeightsMode.OFF, OutputRows.ALL);
        assertThat(emitted.outputs).hasSize(windows.size());
        assertThat(emitted.weights).isEmpty();
    }

    @Test
    void aWindowTheModelFailsOnIsSetAsideAndTheOthersAreEmitted() throws Exception {
        List<Window> windows =
                new ArrayList<>(GoldenCase.all("token_attention").get(0).windows());
        Window bad = Window.ofTokens("bad-key", 10, 12, 0, 0, 3, new long[] {1, 5_000, 2});
        windows.add(1, bad);

        Emitted emitted = runBatched("token_attention", windows, windows.size(), WeightsMode.FULL, OutputRows.ALL);

        assertThat(emitted.outputs)
                .extracting(AttentionOutput::getKey)
                .doesNotContain("bad-key")
                .hasSize(windows.size() - 1);
        assertThat(emitted.deadLetters).singleElement().satisfies(dead -> {
            assertThat(dead.getReason()).isEqualTo(RejectReason.INFERENCE_FAILED);
            assertThat(dead.getKey()).isEqualTo("bad-key");
            assertThat(dead.getMessage()).contains("10..12");
            assertThat(dead.getSourceTopic()).isNull();
        });
    }

    @Test
    void aNonFiniteOutputIsSetAside() throws Exception {
        float[] features = new float[2 * 64];
        features[3] = Float.NaN;
        Window nan = Window.ofFeatures("nan-key", 0, 1, 0, 1, 2, features);
        Window fine = Window.ofFeatures("fine-key", 0, 1, 0, 1, 2, new float[2 * 64]);

        Emitted emitted = runBatched("feature_attention", List.of(nan, fine), 2, WeightsMode.FULL, OutputRows.ALL);

        assertThat(emitted.outputs).extracting(AttentionOutput::getKey).containsExactly("fine-key");
        assertThat(emitted.deadLetters).extracting(RejectedRecord::getKey).containsExactly("nan-key");
        assertThat(emitted.deadLetters.get(0).getMessage()).contains("non-finite");
    }

    // ---------------------------------------------------------------------------------------------

    private record Expected(float[] output, float[] weights) {}

    private record Emitted(
            List<AttentionOutput> outputs, List<AttentionWeights> weights, List<RejectedRecord> deadLetters) {}

    private static final class Harness extends OneInputStreamOperatorTestHarness<Window, AttentionOutput> {
        Harness(BatchedAttention operator) throws Exception {
            super(operator);
        }
    }

    private static Harness harness(String model, int batchSize, long timeoutMs, WeightsMode weights, OutputRows rows)
            throws Exception {
        byte[] bytes = AttentionModel.readModelFile(GoldenCase.modelFile(model));
        BatchingConfig config = new BatchingConfig(batchSize, timeoutMs, weights, rows, ModelConfig.defaults());
        Harness h = new Harness(new BatchedAttention(config, bytes));
        h.open();
        return h;
    }

    private static Emitted runBatched(
            String model, List<Window> windows, int batchSize, WeightsMode weights, OutputRows rows) throws Exception {
        try (Harness h = harness(model, batchSize, NO_TIMEOUT, weights, rows)) {
            for (Window w : windows) {
                h.processElement(new StreamRecord<>(w, w.endTimestamp));
            }
            h.endInput();
            return new Emitted(
                    h.extractOutputValues(),
                    values(h.getSideOutput(SideOutputs.WEIGHTS)),
                    values(h.getSideOutput(SideOutputs.DEAD_LETTERS)));
        }
    }

    private static <T> List<T> values(java.util.Queue<StreamRecord<T>> records) {
        return records == null
                ? List.of()
                : records.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    private static <T> Map<String, T> byKey(List<T> records, Function<T, String> key) {
        return records.stream().collect(Collectors.toMap(key, Function.identity()));
    }

    static float[] toArray(List<Float> values) {
        float[] result = new float[values.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = values.get(i);
        }
        return result;
    }
}
