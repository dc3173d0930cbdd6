package io.attentionstream.core.incremental;

import static io.attentionstream.core.golden.Tolerance.VS_PYTORCH;
import static io.attentionstream.core.golden.Tolerance.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attentionstream.core.golden.GoldenCase;
import io.attentionstream.core.model.AttentionModel;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.model.ModelLoadException;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.Sha256;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.core.model.WindowInference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The incremental model through ONNX Runtime equals PyTorch's golden vectors within 1e-4, and refuses what does not fit. */
class IncrementalAttentionModelTest {
    private static final Logger LOG = LoggerFactory.getLogger(IncrementalAttentionModelTest.class);
    private static final Path INCREMENTAL = GoldenCase.modelFile(IncrementalGolden.MODEL);
    private static final Path WINDOW_MODEL = GoldenCase.modelFile("feature_attention");

    private static IncrementalAttentionModel model;
    private static float largestDiff;

    @BeforeAll
    static void loadModel() {
        model = IncrementalAttentionModel.load(INCREMENTAL, ModelConfig.defaults());
    }

    @AfterAll
    static void closeModel() {
        model.close();
        LOG.info("Largest |incremental - PyTorch| over every golden comparison: {}", largestDiff);
    }

    static List<IncrementalGolden> cases() {
        return IncrementalGolden.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void batchOfTheCaseEqualsPyTorch(IncrementalGolden c) {
        List<IncrementalStep> steps = new ArrayList<>();
        for (int b = 0; b < c.batch(); b++) {
            steps.add(c.step(b));
        }

        List<StepResult> results = model.run(steps).results();

        assertThat(results).hasSize(c.batch());
        for (int b = 0; b < c.batch(); b++) {
            assertEqualsPyTorch(c, b, results.get(b));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachRowAloneEqualsPyTorch(IncrementalGolden c) {
        for (int b = 0; b < c.batch(); b++) {
            assertEqualsPyTorch(c, b, model.run(List.of(c.step(b))).results().get(0));
        }
    }

    @Test
    void everyGoldenRowInOneBatchOfMixedCacheLengthsEqualsPyTorch() {
        List<IncrementalGolden> cases = IncrementalGolden.all();
        List<IncrementalStep> steps = new ArrayList<>();
        for (IncrementalGolden c : cases) {
            for (int b = 0; b < c.batch(); b++) {
                steps.add(c.step(b));
            }
        }

        IncrementalInference inference = model.run(steps);

        int i = 0;
        for (IncrementalGolden c : cases) {
            for (int b = 0; b < c.batch(); b++) {
                assertEqualsPyTorch(c, b, inference.results().get(i++));
            }
        }
        // Caches of 0, 6, 63, 20 and 0 events padded to 63 slots each: cheaper than a second run.
        assertThat(inference.runs()).isEqualTo(1);
        assertThat(inference.validSlots()).isEqualTo(6 + 63 + 20);
        assertThat(inference.paddedSlots()).isEqualTo(5 * 63);
    }

    @Test
    void halfFullAndHalfEmptyCachesRunApartAndStillEqualPyTorch() {
        IncrementalGolden full = IncrementalGolden.all().stream()
                .filter(c -> c.name().equals("b3_past63_masked"))
                .findFirst()
                .orElseThrow();
        IncrementalGolden empty = IncrementalGolden.all().stream()
                .filter(c -> c.name().equals("b1_past0"))
                .findFirst()
                .orElseThrow();
        List<IncrementalStep> steps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            steps.add(empty.step(0));
            steps.add(full.step(0));
        }

        IncrementalInference inference = model.run(steps);

        assertThat(inference.runs()).isEqualTo(2);
        assertThat(inference.paddedSlots()).isEqualTo(4 * 63);
        for (int i = 0; i < 8; i += 2) {
            assertEqualsPyTorch(empty, 0, inference.results().get(i));
            assertEqualsPyTorch(full, 0, inference.results().get(i + 1));
        }
    }

    @Test
    void groupsAreCutWhereTheRestWouldCarryMorePaddingThanARunCosts() {
        List<IncrementalStep> steps = java.util.stream.IntStream.of(63, 0, 63, 62, 20, 0, 63)
                .mapToObj(IncrementalAttentionModelTest::stepWithCache)
                .toList();

        List<List<Integer>> groups = IncrementalAttentionModel.groupsByCacheLength(steps).stream()
                .map(g -> java.util.Arrays.stream(g)
                        .map(i -> steps.get(i).pastLength())
                        .boxed()
                        .toList())
                .toList();

        // From the 20 on, the rest padded to 63 carries at least 43·3 = 129 empty slots, less than a
        // run costs (192): one group. Four 0s after four 63s carry 63·4 = 252: two.
        assertThat(groups).containsExactly(List.of(63, 63, 63, 62, 20, 0, 0));
        List<IncrementalStep> halves = java.util.stream.IntStream.of(63, 63, 63, 63, 0, 0, 0, 0)
                .mapToObj(IncrementalAttentionModelTest::stepWithCache)
                .toList();
        assertThat(IncrementalAttentionModel.groupsByCacheLength(halves)).hasSize(2);
        assertThat(IncrementalAttentionModel.groupsByCacheLength(List.of())).isEmpty();
    }

    private static IncrementalStep stepWithCache(int entries) {
        KeyValueCache cache = KeyValueCache.create(63, 64);
        for (int i = 0; i < entries; i++) {
            cache.append(i, i, new float[64], new float[64]);
        }
        return new IncrementalStep(new float[64], cache);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void equalsTheLastRowOfTheWindowModelOnTheSameWindow(IncrementalGolden c) {
        try (AttentionModel window = AttentionModel.load(WINDOW_MODEL, ModelConfig.defaults())) {
            for (int b = 0; b < c.batch(); b++) {
                StepResult incremental = model.run(List.of(c.step(b))).results().get(0);
                WindowInference full = window.run(List.of(c.window(b)), OutputRows.LAST, WeightsMode.LAST_ROW)
                        .results()
                        .get(0);
                assertThat(maxAbsDiff(incremental.output(), full.output()))
                        .as("%s row %d output", c, b)
                        .isLessThanOrEqualTo(VS_PYTORCH);
                assertThat(maxAbsDiff(incremental.weights(), full.weights()))
                        .as("%s row %d weights", c, b)
                        .isLessThanOrEqualTo(VS_PYTORCH);
            }
        }
    }

    @Test
    void readsTheIncrementalSignature() {
        IncrementalSignature s = model.signature();
        assertThat(s.name()).isEqualTo("incremental_feature_attention");
        assertThat(s.kind()).isEqualTo(InputKind.FEATURES);
        assertThat(s.featureDim()).isEqualTo(64);
        assertThat(s.outputDim()).isEqualTo(64);
        assertThat(s.heads()).isEqualTo(4);
        assertThat(s.headDim()).isEqualTo(16);
        assertThat(s.cacheWidth()).isEqualTo(64);
        assertThat(s.names()).isEqualTo(IncrementalNames.defaults());
        assertThat(model.sha256()).isEqualTo(Sha256.hex(AttentionModel.readModelFile(INCREMENTAL)));
    }

    @Test
    void aWindowModelIsRefusedNamingTheMissingInputs() {
        assertThatThrownBy(() -> IncrementalAttentionModel.load(WINDOW_MODEL, ModelConfig.defaults()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage("The model lacks the incremental inputs [x_new, past_keys, past_values, past_mask]"
                        + " (its inputs are [x, pad_mask]): --mode incremental needs a model exported with them"
                        + " (see models/README.md).");
    }

    @Test
    void aRenamedInputTheModelLacksIsNamed() {
        IncrementalNames names =
                new IncrementalNames("x_new", "past_keys", "past_values", "cache_mask", "new_keys", "new_values");
        assertThatThrownBy(() -> IncrementalAttentionModel.load(
                        AttentionModel.readModelFile(INCREMENTAL), ModelConfig.defaults(), names))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("lacks the incremental inputs [cache_mask]")
                .hasMessageContaining("past_mask");
    }

    @Test
    void aMissingOutputIsNamed() {
        assertThatThrownBy(() -> IncrementalAttentionModel.load(
                        INCREMENTAL, ModelConfig.builder().weightsOutput("attn").build()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("lacks the incremental outputs [attn]");
    }

    @Test
    void tokensAreRefusedWithTheSettingToChange() {
        assertThatThrownBy(() -> IncrementalAttentionModel.load(
                        INCREMENTAL,
                        ModelConfig.builder().expectedKind(InputKind.TOKENS).build()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("--input-kind tokens")
                .hasMessageContaining("--mode incremental");
    }

    @Test
    void aWrongFeatureDimensionNamesBothDimensions() {
        assertThatThrownBy(() -> IncrementalAttentionModel.load(
                        INCREMENTAL,
                        ModelConfig.builder().expectedFeatureDim(32).build()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("feature dimension 64")
                .hasMessageContaining("32");
    }

    @Test
    void aWrongDigestIsRefused() {
        assertThatThrownBy(() -> IncrementalAttentionModel.load(
                        INCREMENTAL,
                        ModelConfig.builder().expectedSha256("0".repeat(64)).build()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("--model-sha256");
    }

    @Test
    void aStepOfTheWrongWidthIsRefusedBeforeTheNativeCall() {
        assertThatThrownBy(() -> model.run(List.of(new IncrementalStep(new float[63], null))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("63 features")
                .hasMessageContaining("64");
        KeyValueCache narrow = KeyValueCache.create(3, 32);
        assertThatThrownBy(() -> model.run(List.of(new IncrementalStep(new float[64], narrow))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 floats");
    }

    @Test
    void anEmptyBatchRunsNothing() {
        assertThat(model.run(List.of()).results()).isEmpty();
    }

    private static void assertEqualsPyTorch(IncrementalGolden c, int b, StepResult r) {
        assertThat(r.length()).isEqualTo(c.cached(b) + 1);
        check(r.output(), c.expectedOutput(b), c, b, "out");
        check(r.weights(), c.expectedWeights(b), c, b, "weights");
        check(r.newKey(), c.expectedNewKey(b), c, b, "new_keys");
        check(r.newValue(), c.expectedNewValue(b), c, b, "new_values");
    }

    private static void check(float[] actual, float[] expected, IncrementalGolden c, int b, String tensor) {
        float diff = maxAbsDiff(actual, expected);
        largestDiff = Math.max(largestDiff, diff);
        assertThat(diff).as("%s row %d: max |%s - PyTorch|", c, b, tensor).isLessThanOrEqualTo(VS_PYTORCH);
    }
}
