package io.attentionstream.core.model;

import static io.attentionstream.core.golden.Tolerance.VS_PYTORCH;
import static io.attentionstream.core.golden.Tolerance.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attentionstream.core.golden.GoldenCase;
import io.attentionstream.core.model.ModelSignature.AttentionSource;
import io.attentionstream.core.model.ModelSignature.Mask;
import io.attentionstream.core.window.Window;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code models/tiny_encoder.onnx}: an HF-BERT-style encoder exported from PyTorch with the
 * exporters' signature and no attention output, of dimensions the project uses nowhere else.
 * With no settings, its hidden states and each layer's attention, exposed from the graph at load,
 * equal eager PyTorch's.
 */
class EncoderModelTest {
    private static final String MODEL = "tiny_encoder";
    private static AttentionModel encoder;

    @BeforeAll
    static void load() {
        encoder = AttentionModel.load(GoldenCase.modelFile(MODEL), ModelConfig.defaults());
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    static Stream<GoldenCase> cases() {
        return GoldenCase.all(MODEL).stream();
    }

    @Test
    void signatureIsReadFromTheGraphWithNoSettings() throws Exception {
        ModelSignature s = encoder.signature();

        assertThat(s.kind()).isEqualTo(InputKind.TOKENS);
        assertThat(s.inputName()).isEqualTo("input_ids");
        assertThat(s.maskName()).isEqualTo("attention_mask");
        assertThat(s.mask()).isEqualTo(Mask.ATTENTION);
        assertThat(s.tokenTypeName()).isEqualTo("token_type_ids");
        assertThat(s.outputName()).isEqualTo("last_hidden_state");
        assertThat(s.outputDim()).isEqualTo(48);
        assertThat(s.attention()).isEqualTo(AttentionSource.EXPOSED);
        assertThat(s.layers()).isEqualTo(3);
        assertThat(s.heads()).isEqualTo(6);
        assertThat(s.emittedLayers()).containsExactly(0, 1, 2);
        assertThat(s.vocabSize())
                .as("rows of the word-embedding table: the model has no vocab_size metadata")
                .isEqualTo(211);
        assertThat(s.maxPositions()).isEqualTo(40);
        assertThat(s.batchIndependent()).isTrue();
        assertThat(encoder.sha256())
                .as("the digest of the user's file, not of the graph with exposed outputs")
                .isEqualTo(Sha256.hex(Files.readAllBytes(GoldenCase.modelFile(MODEL))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void batchOfTheCaseEqualsPyTorchInEveryLayer(GoldenCase c) {
        List<WindowInference> results =
                encoder.run(c.windows(), OutputRows.ALL, WeightsMode.FULL).results();

        for (int b = 0; b < c.batch(); b++) {
            WindowInference r = results.get(b);
            assertThat(maxAbsDiff(r.output(), c.expectedOutput(b)))
                    .as("%s row %d: max |last_hidden_state - PyTorch|", c, b)
                    .isLessThanOrEqualTo(VS_PYTORCH);
            assertThat(r.weights()).hasSize(3 * 6 * c.lengths()[b] * c.lengths()[b]);
            assertThat(maxAbsDiff(r.weights(), c.expectedWeights(b)))
                    .as("%s row %d: max |attentions - PyTorch| over 3 layers", c, b)
                    .isLessThanOrEqualTo(VS_PYTORCH);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void attentionRowsSumToOneOverTheValidKeys(GoldenCase c) {
        for (WindowInference r :
                encoder.run(c.windows(), OutputRows.ALL, WeightsMode.FULL).results()) {
            int length = r.rows();
            float[] w = r.weights();
            for (int row = 0; row < w.length / length; row++) {
                double sum = 0;
                for (int k = 0; k < length; k++) {
                    sum += w[row * length + k];
                }
                assertThat(sum).as("row %d", row).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    @Test
    void lastRowWeightsAreEachLayersLastQueryRow() {
        GoldenCase c = GoldenCase.all(MODEL).get(0);
        Window w = c.windows().get(0);
        int n = w.length;
        float[] full = encoder.run(List.of(w), OutputRows.ALL, WeightsMode.FULL)
                .results()
                .get(0)
                .weights();
        WindowInference last = encoder.run(List.of(w), OutputRows.LAST, WeightsMode.LAST_ROW)
                .results()
                .get(0);

        assertThat(last.queryRows()).isEqualTo(1);
        assertThat(last.weights()).hasSize(3 * 6 * n);
        for (int lh = 0; lh < 3 * 6; lh++) {
            for (int k = 0; k < n; k++) {
                assertThat(last.weights()[lh * n + k]).isEqualTo(full[(lh * n + n - 1) * n + k]);
            }
        }
    }

    @Test
    void weightsLayersChooseTheLayersEmitted() {
        GoldenCase c = GoldenCase.all(MODEL).get(1);
        try (AttentionModel lastOnly = load(LayerSelection.LAST);
                AttentionModel firstAndLast = load(LayerSelection.fromCliName("2,0"))) {
            assertThat(lastOnly.signature().emittedLayers()).containsExactly(2);
            assertThat(firstAndLast.signature().emittedLayers()).containsExactly(0, 2);
            List<WindowInference> last =
                    lastOnly.run(c.windows(), OutputRows.ALL, WeightsMode.FULL).results();
            List<WindowInference> both = firstAndLast
                    .run(c.windows(), OutputRows.ALL, WeightsMode.FULL)
                    .results();
            for (int b = 0; b < c.batch(); b++) {
                assertThat(maxAbsDiff(last.get(b).weights(), c.expectedWeights(b, 2)))
                        .isLessThanOrEqualTo(VS_PYTORCH);
                assertThat(maxAbsDiff(both.get(b).weights(), c.expectedWeights(b, 0, 2)))
                        .isLessThanOrEqualTo(VS_PYTORCH);
            }
        }
    }

    @Test
    void aLayerTheModelDoesNotHaveIsRefusedNamingTheFlag() {
        assertThatThrownBy(() -> load(LayerSelection.fromCliName("1,3")))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("--weights-layers 1,3")
                .hasMessageContaining("layer 3")
                .hasMessageContaining("3 attention layers (0 to 2)");
    }

    @Test
    void withWeightsOffNothingIsExposedAndOutputsStillEqualPyTorch() {
        GoldenCase c = GoldenCase.all(MODEL).get(1);
        try (AttentionModel plain = AttentionModel.load(
                GoldenCase.modelFile(MODEL),
                ModelConfig.builder().attentionWanted(false).build())) {
            assertThat(plain.signature().attention()).isEqualTo(AttentionSource.NONE);
            assertThat(plain.signature().emittedLayers()).isEmpty();
            List<WindowInference> results =
                    plain.run(c.windows(), OutputRows.ALL, WeightsMode.OFF).results();
            for (int b = 0; b < c.batch(); b++) {
                assertThat(results.get(b).weights()).isNull();
                assertThat(maxAbsDiff(results.get(b).output(), c.expectedOutput(b)))
                        .isLessThanOrEqualTo(VS_PYTORCH);
            }
        }
    }

    @Test
    void tensorNamesMapAnEncoderExportedWithOtherNames() {
        assertThatThrownBy(() -> AttentionModel.load(
                        GoldenCase.modelFile(MODEL),
                        ModelConfig.builder().output("hidden").build()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("no output named 'hidden'")
                .hasMessageContaining("last_hidden_state")
                .hasMessageContaining("--tensor-name out=");
        assertThatThrownBy(() -> AttentionModel.load(
                        GoldenCase.modelFile(MODEL),
                        ModelConfig.builder().attentionMaskInput("mask").build()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("'mask'")
                .hasMessageContaining("--tensor-name");
    }

    @Test
    void specialTokensWrapEveryWindowAndTheRecordsKeepItsEventsOnly() {
        SpecialTokens cls = new SpecialTokens(1, 2);
        long[] longer = {17, 44, 9, 120, 3, 88};
        long[] shorter = {50, 61, 72, 83};
        try (AttentionModel wrapped = AttentionModel.load(
                GoldenCase.modelFile(MODEL),
                ModelConfig.builder().specialTokens(cls).build())) {
            assertThat(wrapped.longestWindow()).isEqualTo(38);
            List<WindowInference> results = wrapped.run(
                            List.of(window("a", longer), window("b", shorter)), OutputRows.ALL, WeightsMode.FULL)
                    .results();
            for (int i = 0; i < 2; i++) {
                long[] events = i == 0 ? longer : shorter;
                int n = events.length;
                long[] explicit = new long[n + 2];
                explicit[0] = 1;
                System.arraycopy(events, 0, explicit, 1, n);
                explicit[n + 1] = 2;
                WindowInference reference = encoder.run(
                                List.of(window("ref", explicit)), OutputRows.ALL, WeightsMode.FULL)
                        .results()
                        .get(0);
                WindowInference r = results.get(i);
                assertThat(r.rows()).isEqualTo(n);
                float[] eventRows = java.util.Arrays.copyOfRange(reference.output(), 48, (n + 1) * 48);
                assertThat(maxAbsDiff(r.output(), eventRows)).isLessThanOrEqualTo(1e-5f);
                float[] eventWeights = new float[3 * 6 * n * n];
                int dst = 0;
                for (int lh = 0; lh < 3 * 6; lh++) {
                    for (int q = 1; q <= n; q++) {
                        System.arraycopy(reference.weights(), (lh * (n + 2) + q) * (n + 2) + 1, eventWeights, dst, n);
                        dst += n;
                    }
                }
                assertThat(maxAbsDiff(r.weights(), eventWeights)).isLessThanOrEqualTo(1e-5f);
            }
        }
    }

    @Test
    void specialTokensOutsideTheVocabularyOrOnAFeatureModelAreRefused() {
        assertThatThrownBy(() -> AttentionModel.load(
                        GoldenCase.modelFile(MODEL),
                        ModelConfig.builder()
                                .specialTokens(new SpecialTokens(101, 211))
                                .build()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("--special-tokens 101,211")
                .hasMessageContaining("vocabulary of 211");
        assertThatThrownBy(() -> AttentionModel.load(
                        GoldenCase.modelFile("feature_attention"),
                        ModelConfig.builder()
                                .specialTokens(new SpecialTokens(1, 2))
                                .build()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("--special-tokens needs a token model");
    }

    private static Window window(String key, long[] tokens) {
        return Window.ofTokens(key, 0, tokens.length - 1, 0, tokens.length - 1, tokens.length, tokens);
    }

    private static AttentionModel load(LayerSelection layers) {
        Path file = GoldenCase.modelFile(MODEL);
        return AttentionModel.load(
                file, ModelConfig.builder().weightsLayers(layers).build());
    }
}
