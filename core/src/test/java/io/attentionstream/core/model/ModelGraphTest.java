package io.attentionstream.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import io.attentionstream.core.golden.GoldenCase;
import io.attentionstream.core.golden.Tolerance;
import io.attentionstream.core.model.ModelSignature.AttentionSource;
import io.attentionstream.core.window.Window;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the job reads from a graph itself, and the models it refuses because of it. */
class ModelGraphTest {

    @Test
    void encoderTablesAndAttentionAreFoundInTheGraph() throws Exception {
        ModelGraph graph = ModelGraph.parse(Files.readAllBytes(GoldenCase.modelFile("tiny_encoder")));

        assertThat(graph.inputs()).containsExactly("input_ids", "attention_mask", "token_type_ids");
        assertThat(graph.outputs()).containsExactly("last_hidden_state");
        assertThat(graph.vocabularyTable("input_ids")).hasValue(211);
        assertThat(graph.vocabularyTable("token_type_ids")).hasValue(2);
        assertThat(graph.positionTable(Set.of("input_ids", "token_type_ids"))).hasValue(40);
        assertThat(graph.softmaxOverLastAxis())
                .containsExactly(
                        "/encoder/layer.0/attention/self/Softmax_output_0",
                        "/encoder/layer.1/attention/self/Softmax_output_0",
                        "/encoder/layer.2/attention/self/Softmax_output_0");
        assertThat(graph.fusedAttention()).isEmpty();
        assertThat(graph.quantizesDynamically()).isFalse();
    }

    @Test
    void exposingAddsOutputsAndChangesNothingElse() throws Exception {
        byte[] original = Files.readAllBytes(GoldenCase.modelFile("tiny_encoder"));
        ModelGraph graph = ModelGraph.parse(original);
        byte[] edited = graph.withOutputs(graph.softmaxOverLastAxis());

        ModelProto before = ModelProto.parseFrom(original);
        ModelProto after = ModelProto.parseFrom(edited);
        assertThat(after.getGraph().getOutputCount()).isEqualTo(4);
        assertThat(after.getGraph().getNodeList()).isEqualTo(before.getGraph().getNodeList());
        assertThat(after.getGraph().getInitializerList())
                .isEqualTo(before.getGraph().getInitializerList());
        assertThat(after.toBuilder()
                        .setGraph(after.getGraph().toBuilder()
                                .removeOutput(3)
                                .removeOutput(2)
                                .removeOutput(1))
                        .build())
                .isEqualTo(before);
    }

    @Test
    void metadataNamesThePositionTableWhenTheGraphDoesNot() throws Exception {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(GoldenCase.modelFile("tiny_encoder"))).toBuilder()
                .addMetadataProps(StringStringEntryProto.newBuilder()
                        .setKey("max_position_embeddings")
                        .setValue("32"))
                .build();

        assertThat(ModelGraph.parse(model.toByteArray()).positionTable(Set.of("input_ids")))
                .hasValue(32);
    }

    @Test
    void theProjectsOwnModelsHaveNoPositionTable() throws Exception {
        ModelGraph tokens = ModelGraph.parse(Files.readAllBytes(GoldenCase.modelFile("token_attention")));

        assertThat(tokens.vocabularyTable("tokens")).hasValue(1000);
        assertThat(tokens.positionTable(Set.of("tokens"))).isEmpty();
    }

    @Test
    void bytesThatAreNotAModelAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> ModelGraph.parse(new byte[] {(byte) 0xff, 1, 2, 3}))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("--model");
    }

    @Test
    void aFusedAttentionKernelIsRefusedUnlessWeightsAreOff() {
        float[] embedding = TestGraphs.random(1, TestGraphs.VOCAB * TestGraphs.DIM, 1f);
        float[] weight = TestGraphs.random(2, TestGraphs.DIM * 3 * TestGraphs.DIM, 0.5f);
        float[] bias = TestGraphs.random(3, 3 * TestGraphs.DIM, 0.1f);
        byte[] fused = TestGraphs.fusedAttention(embedding, weight, bias);

        assertThatThrownBy(() -> AttentionModel.load(fused, ModelConfig.defaults()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("fused 'Attention'")
                .hasMessageContaining("--weights off");

        try (AttentionModel model = AttentionModel.load(
                fused, ModelConfig.builder().attentionWanted(false).build())) {
            assertThat(model.signature().attention()).isEqualTo(AttentionSource.NONE);
            assertThat(model.signature().heads()).isZero();
            long[] longer = {1, 2, 3, 4};
            long[] shorter = {7, 5, 9};
            List<WindowInference> results = model.run(
                            List.of(
                                    Window.ofTokens("a", 0, 3, 0, 3, 4, longer),
                                    Window.ofTokens("b", 0, 2, 0, 2, 3, shorter)),
                            OutputRows.ALL,
                            WeightsMode.OFF)
                    .results();
            assertThat(results.get(1).weights()).isNull();
            // The shorter window is padded to 4 in the same run: the attention mask (1 = real) must hide the padding.
            assertThat(Tolerance.maxAbsDiff(results.get(0).output(), reference(longer, embedding, weight, bias)))
                    .isLessThanOrEqualTo(1e-5f);
            assertThat(Tolerance.maxAbsDiff(results.get(1).output(), reference(shorter, embedding, weight, bias)))
                    .isLessThanOrEqualTo(1e-5f);
        }
    }

    /**
     * What {@code com.microsoft.Attention} computes on one unpadded window, written out: per head,
     * softmax(Q·Kᵀ / √head_dim)·V with Q, K, V = x·W + b.
     */
    private static float[] reference(long[] tokens, float[] embedding, float[] weight, float[] bias) {
        int n = tokens.length;
        int d = TestGraphs.DIM;
        int heads = TestGraphs.HEADS;
        int hd = d / heads;
        double[][] qkv = new double[n][3 * d];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < 3 * d; j++) {
                double sum = bias[j];
                for (int i = 0; i < d; i++) {
                    sum += embedding[(int) tokens[t] * d + i] * weight[i * 3 * d + j];
                }
                qkv[t][j] = sum;
            }
        }
        float[] out = new float[n * d];
        for (int h = 0; h < heads; h++) {
            for (int q = 0; q < n; q++) {
                double[] p = new double[n];
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) {
                    double score = 0;
                    for (int i = 0; i < hd; i++) {
                        score += qkv[q][h * hd + i] * qkv[k][d + h * hd + i];
                    }
                    p[k] = score / Math.sqrt(hd);
                    max = Math.max(max, p[k]);
                }
                double total = 0;
                for (int k = 0; k < n; k++) {
                    p[k] = Math.exp(p[k] - max);
                    total += p[k];
                }
                for (int i = 0; i < hd; i++) {
                    double v = 0;
                    for (int k = 0; k < n; k++) {
                        v += p[k] / total * qkv[k][2 * d + h * hd + i];
                    }
                    out[q * d + h * hd + i] = (float) v;
                }
            }
        }
        return out;
    }

    @Test
    void aSoftmaxThatIsNotOverScoresIsNotTakenForAttention() {
        byte[] model =
                TestGraphs.softmaxThatIsNotAttention(TestGraphs.random(4, TestGraphs.VOCAB * TestGraphs.DIM, 1f));

        assertThatThrownBy(() -> AttentionModel.load(model, ModelConfig.defaults()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("[batch, heads, seq, seq]")
                .hasMessageContaining("last_hidden_state [1, 3, 8]")
                .hasMessageContaining("--weights off");
    }
}
