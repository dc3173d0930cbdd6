package io.attentionstream.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attentionstream.core.golden.GoldenCase;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading checks the digest and the signature, and says in one sentence what does not fit. */
class AttentionModelLoadTest {
    private static final Path FEATURE_MODEL = GoldenCase.modelFile("feature_attention");
    private static final Path TOKEN_MODEL = GoldenCase.modelFile("token_attention");

    @Test
    void readsTheFeatureModelSignature() {
        try (AttentionModel model = AttentionModel.load(FEATURE_MODEL, ModelConfig.defaults())) {
            ModelSignature s = model.signature();
            assertThat(s.name()).isEqualTo("feature_attention");
            assertThat(s.kind()).isEqualTo(InputKind.FEATURES);
            assertThat(s.inputName()).isEqualTo("x");
            assertThat(s.featureDim()).isEqualTo(64);
            assertThat(s.outputDim()).isEqualTo(64);
            assertThat(s.heads()).isEqualTo(4);
            assertThat(model.sha256()).isEqualTo(Sha256.hex(AttentionModel.readModelFile(FEATURE_MODEL)));
        }
    }

    @Test
    void readsTheTokenModelSignatureWithItsVocabulary() {
        try (AttentionModel model = AttentionModel.load(TOKEN_MODEL, ModelConfig.defaults())) {
            assertThat(model.signature().kind()).isEqualTo(InputKind.TOKENS);
            assertThat(model.signature().inputName()).isEqualTo("tokens");
            assertThat(model.signature().vocabSize()).isEqualTo(1000);
            assertThat(model.signature().heads()).isEqualTo(4);
        }
    }

    @Test
    void acceptsThePinnedDigestInAnyCase() {
        String digest = Sha256.hex(AttentionModel.readModelFile(FEATURE_MODEL)).toUpperCase();
        try (AttentionModel model = AttentionModel.load(
                FEATURE_MODEL, ModelConfig.builder().expectedSha256(digest).build())) {
            assertThat(model.sha256()).isEqualToIgnoringCase(digest);
        }
    }

    @Test
    void wrongDigestShowsBothDigests() {
        String actual = Sha256.hex(AttentionModel.readModelFile(FEATURE_MODEL));
        String pinned = "0".repeat(64);
        assertThatThrownBy(() -> AttentionModel.load(
                        FEATURE_MODEL,
                        ModelConfig.builder().expectedSha256(pinned).build()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(actual)
                .hasMessageContaining(pinned)
                .hasMessageContaining("--model-sha256");
    }

    @Test
    void malformedDigestIsRefusedBeforeLoading() {
        assertThatThrownBy(() -> ModelConfig.builder().expectedSha256("abc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--model-sha256");
    }

    @Test
    void wrongFeatureDimensionNamesBothDimensions() {
        assertThatThrownBy(() -> AttentionModel.load(
                        FEATURE_MODEL,
                        ModelConfig.builder().expectedFeatureDim(32).build()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("feature dimension 64")
                .hasMessageContaining("32");
    }

    @Test
    void missingInputNameListsTheModelsInputs() {
        assertThatThrownBy(() -> AttentionModel.load(
                        FEATURE_MODEL,
                        ModelConfig.builder()
                                .expectedKind(InputKind.FEATURES)
                                .featuresInput("features")
                                .build()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("'features'")
                .hasMessageContaining("x")
                .hasMessageContaining("pad_mask");
    }

    @Test
    void missingOutputNameListsTheModelsOutputs() {
        assertThatThrownBy(() -> AttentionModel.load(
                        FEATURE_MODEL,
                        ModelConfig.builder().weightsOutput("attn").build()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("no output named 'attn'")
                .hasMessageContaining("weights");
    }

    @Test
    void tokenModelWhereFeaturesAreConfiguredSaysWhichKindItIs() {
        assertThatThrownBy(() -> AttentionModel.load(
                        TOKEN_MODEL,
                        ModelConfig.builder().expectedKind(InputKind.FEATURES).build()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("--input-kind features")
                .hasMessageContaining("use --input-kind tokens");
    }

    @Test
    void featureModelWhereTokensAreConfiguredSaysWhichKindItIs() {
        assertThatThrownBy(() -> AttentionModel.load(
                        FEATURE_MODEL,
                        ModelConfig.builder().expectedKind(InputKind.TOKENS).build()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("use --input-kind features");
    }

    @Test
    void corruptModelBytesAreReportedAsNotAModel() {
        byte[] bytes = AttentionModel.readModelFile(FEATURE_MODEL);
        byte[] truncated = Arrays.copyOf(bytes, bytes.length / 3);
        assertThatThrownBy(() -> AttentionModel.load(truncated, ModelConfig.defaults()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("not a valid ONNX model")
                .hasMessageContaining("--model");
    }

    @Test
    void missingFileNamesThePath(@TempDir Path dir) {
        Path missing = dir.resolve("nope.onnx");
        assertThatThrownBy(() -> AttentionModel.load(missing, ModelConfig.defaults()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("--model");
    }

    @Test
    void incrementalModelIsNotAFullWindowModel() {
        assertThatThrownBy(() -> AttentionModel.load(
                        GoldenCase.modelFile("incremental_feature_attention"), ModelConfig.defaults()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("x_new");
    }

    @Test
    void groupsKeepShortWindowsApartFromLongOnes() {
        var windows = java.util.stream.IntStream.of(64, 5, 40, 33, 64, 1)
                .mapToObj(len ->
                        io.attentionstream.core.window.Window.ofTokens("k", 0, len - 1, 0, 0, len, new long[len]))
                .toList();
        var groups = AttentionModel.groupsByLength(windows, true);
        assertThat(groups.stream()
                        .map(g -> Arrays.stream(g)
                                .map(i -> windows.get(i).length)
                                .boxed()
                                .toList())
                        .toList())
                .containsExactly(java.util.List.of(64, 64, 40, 33), java.util.List.of(5), java.util.List.of(1));
    }
}
