package io.attentionstream.core.model;

import static io.attentionstream.core.golden.Tolerance.VS_PYTORCH;
import static io.attentionstream.core.golden.Tolerance.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.core.golden.GoldenCase;
import io.attentionstream.core.window.Window;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every golden case of models/ through ONNX Runtime equals PyTorch's eager output within 1e-4. */
class AttentionModelGoldenTest {
    private static AttentionModel features;
    private static AttentionModel tokens;

    @BeforeAll
    static void loadModels() {
        features = AttentionModel.load(GoldenCase.modelFile("feature_attention"), ModelConfig.defaults());
        tokens = AttentionModel.load(GoldenCase.modelFile("token_attention"), ModelConfig.defaults());
    }

    @AfterAll
    static void closeModels() {
        features.close();
        tokens.close();
    }

    static Stream<GoldenCase> cases() {
        return Stream.concat(GoldenCase.all("feature_attention").stream(), GoldenCase.all("token_attention").stream());
    }

    private static AttentionModel modelOf(GoldenCase c) {
        return c.model().equals("token_attention") ? tokens : features;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void batchOfTheCaseEqualsPyTorch(GoldenCase c) {
        List<Window> windows = c.windows();
        List<WindowInference> results =
                modelOf(c).run(windows, OutputRows.ALL, WeightsMode.FULL).results();

        assertThat(results).hasSize(c.batch());
        for (int b = 0; b < c.batch(); b++) {
            WindowInference r = results.get(b);
            assertThat(r.rows()).isEqualTo(c.lengths()[b]);
            assertThat(maxAbsDiff(r.output(), c.expectedOutput(b)))
                    .as("%s row %d: max |out - PyTorch|", c, b)
                    .isLessThanOrEqualTo(VS_PYTORCH);
            assertThat(maxAbsDiff(r.weights(), c.expectedWeights(b)))
                    .as("%s row %d: max |weights - PyTorch|", c, b)
                    .isLessThanOrEqualTo(VS_PYTORCH);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachWindowAloneEqualsPyTorch(GoldenCase c) {
        List<Window> windows = c.windows();
        for (int b = 0; b < c.batch(); b++) {
            WindowInference alone = modelOf(c)
                    .run(List.of(windows.get(b)), OutputRows.ALL, WeightsMode.FULL)
                    .results()
                    .get(0);
            assertThat(maxAbsDiff(alone.output(), c.expectedOutput(b)))
                    .as("%s row %d alone", c, b)
                    .isLessThanOrEqualTo(VS_PYTORCH);
            assertThat(maxAbsDiff(alone.weights(), c.expectedWeights(b)))
                    .as("%s row %d alone", c, b)
                    .isLessThanOrEqualTo(VS_PYTORCH);
        }
    }
}
