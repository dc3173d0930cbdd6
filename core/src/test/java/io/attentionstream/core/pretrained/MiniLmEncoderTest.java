package io.attentionstream.core.pretrained;

import static io.attentionstream.core.golden.Tolerance.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.attentionstream.core.model.AttentionModel;
import io.attentionstream.core.model.BatchInference;
import io.attentionstream.core.model.LayerSelection;
import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.model.ModelSignature;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.Sha256;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.core.model.WindowInference;
import io.attentionstream.core.window.Window;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * all-MiniLM-L6-v2 (fp32) loaded as the user's file, with no flags: its signature read from the
 * graph, its hidden states from padded batches equal to the unmodified file run one sequence at a
 * time in a plain ONNX Runtime session, the sentence embeddings made from them equal to
 * langchain4j's, and the attention of all six layers exposed from the graph's Softmax nodes as
 * proper, padding-free distributions, whole or for the layers {@code --weights-layers} selects.
 */
class MiniLmEncoderTest {
    private static final Logger LOG = LoggerFactory.getLogger(MiniLmEncoderTest.class);

    // Tolerances as stated in the brief of these tests; what they measured on ONNX Runtime 1.24.1
    // (x86-64, one intra-op thread) is in each comment.

    /**
     * Hidden states against the unmodified file in a plain session, each sentence alone: other
     * batch shapes and the Softmax outputs added, same fp32 graph. Measured 0 (bit-identical).
     */
    private static final float HIDDEN_TOLERANCE = 1e-4f;
    /**
     * Attention probabilities: a row sums to 1 over the window's own keys (measured |sum − 1| ≤
     * 2.4e-7), and a padded window's weights equal its weights alone (measured 0).
     */
    private static final float WEIGHTS_TOLERANCE = 1e-5f;
    /**
     * A layer selection against the same layers of the all-layers run: the same graph asked for
     * fewer outputs. Measured 0.
     */
    private static final float SELECTION_TOLERANCE = 1e-6f;
    /**
     * Embeddings (unit vectors) per component against langchain4j's, which runs the same fp32 file
     * in its own session. Measured 3.0e-8.
     */
    private static final float EMBEDDING_TOLERANCE = 1e-4f;

    private static HuggingFaceTokenizer tokenizer;
    private static AttentionModel model;
    private static AttentionModel lastLayer;
    private static AttentionModel layers03;
    private static OrtSession plain;
    private static List<Window> windows;
    private static BatchInference batched;

    @BeforeAll
    static void load() {
        tokenizer = MiniLm.tokenizer(MiniLm.FP32);
        model = AttentionModel.load(MiniLm.model(MiniLm.FP32), ModelConfig.defaults());
        lastLayer = AttentionModel.load(
                MiniLm.model(MiniLm.FP32),
                ModelConfig.builder().weightsLayers(LayerSelection.LAST).build());
        layers03 = AttentionModel.load(
                MiniLm.model(MiniLm.FP32),
                ModelConfig.builder()
                        .weightsLayers(LayerSelection.fromCliName("0,3"))
                        .build());
        plain = MiniLm.plainSession(MiniLm.FP32);
        windows = new ArrayList<>();
        for (int i = 0; i < MiniLm.SENTENCES.size(); i++) {
            windows.add(MiniLm.window("s" + i, MiniLm.tokens(tokenizer, MiniLm.SENTENCES.get(i))));
        }
        batched = model.run(windows, OutputRows.ALL, WeightsMode.FULL);
    }

    @AfterAll
    static void close() throws OrtException {
        for (AttentionModel m : new AttentionModel[] {model, lastLayer, layers03}) {
            if (m != null) {
                m.close();
            }
        }
        if (plain != null) {
            plain.close();
        }
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    @Test
    void signatureIsReadFromTheGraph() {
        ModelSignature sig = model.signature();
        assertThat(sig.inputName()).isEqualTo("input_ids");
        assertThat(sig.maskName()).isEqualTo("attention_mask");
        assertThat(sig.mask()).isEqualTo(ModelSignature.Mask.ATTENTION);
        assertThat(sig.tokenTypeName()).isEqualTo("token_type_ids");
        assertThat(sig.outputName()).isEqualTo("last_hidden_state");
        assertThat(sig.outputDim()).isEqualTo(MiniLm.DIM);
        assertThat(sig.layers()).isEqualTo(MiniLm.LAYERS);
        assertThat(sig.heads()).isEqualTo(MiniLm.HEADS);
        assertThat(sig.emittedLayers()).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(sig.vocabSize()).isEqualTo(MiniLm.VOCAB);
        assertThat(sig.maxPositions()).isEqualTo(MiniLm.MAX_POSITIONS);
        assertThat(sig.attention()).isEqualTo(ModelSignature.AttentionSource.EXPOSED);
        assertThat(sig.batchIndependent()).isTrue();
        // The digest is the user's file's, not the edited graph's that the session opened.
        assertThat(model.sha256()).isEqualTo(Sha256.hex(MiniLm.modelBytes(MiniLm.FP32)));
    }

    @Test
    void theSentencesArePaddedInGroups() {
        assertThat(windows.stream().mapToInt(w -> w.length).toArray())
                .as("token lengths with [CLS] and [SEP]")
                .containsExactly(9, 21, 13, 36, 15, 7);
        // Longest first, cut below half of the group's longest: {36, 21}, {15, 13, 9}, {7}. So
        // 21, 13 and 9 are padded, and every check on them below is a check of padding.
        assertThat(batched.runs()).isEqualTo(3);
        assertThat(batched.validPositions()).isEqualTo(101);
        assertThat(batched.paddedPositions()).isEqualTo(2 * 36 + 3 * 15 + 7);
    }

    @Test
    void hiddenStatesOfPaddedBatchesEqualTheUnmodifiedFileRunUnpadded() throws OrtException {
        float worst = 0;
        for (int i = 0; i < windows.size(); i++) {
            Window w = windows.get(i);
            WindowInference r = batched.results().get(i);
            float[] reference = MiniLm.plainHiddenState(plain, w.tokens);
            assertThat(r.rows()).isEqualTo(w.length);
            float diff = maxAbsDiff(r.output(), reference);
            assertThat(diff)
                    .as("%s: max |last_hidden_state - plain ONNX Runtime, unpadded|", w)
                    .isLessThanOrEqualTo(HIDDEN_TOLERANCE);
            worst = Math.max(worst, diff);
        }
        LOG.info("all-MiniLM-L6-v2 hidden states, padded batch vs plain unpadded: max |diff| {}", worst);
    }

    @Test
    void everyAttentionRowIsADistributionOverTheWindow() {
        // Over the window's own keys only: for a padded window, a sum of 1 there leaves nothing
        // for the padded keys.
        double worstSum = 0;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < windows.size(); i++) {
            Window w = windows.get(i);
            int length = w.length;
            WindowInference r = batched.results().get(i);
            assertThat(r.queryRows()).isEqualTo(length);
            assertThat(r.weights()).hasSize(MiniLm.LAYERS * MiniLm.HEADS * length * length);
            for (int row = 0; row < MiniLm.LAYERS * MiniLm.HEADS * length; row++) {
                double sum = 0;
                for (int k = 0; k < length; k++) {
                    float p = r.weights()[row * length + k];
                    min = Math.min(min, p);
                    max = Math.max(max, p);
                    sum += p;
                }
                double error = Math.abs(sum - 1.0);
                if (!(error <= worstSum)) {
                    worstSum = error;
                    assertThat(error)
                            .as("%s: |sum - 1| of row %d (layer %d)", w, row, row / (MiniLm.HEADS * length))
                            .isLessThanOrEqualTo(WEIGHTS_TOLERANCE);
                }
            }
        }
        assertThat(min).isGreaterThanOrEqualTo(0f);
        assertThat(max).isLessThanOrEqualTo(1f);
        LOG.info("all-MiniLM-L6-v2 attention rows: max |sum - 1| {}, values in [{}, {}]", worstSum, min, max);
    }

    @Test
    void weightsOfAPaddedWindowEqualItsWeightsAlone() {
        float worst = 0;
        for (int i = 0; i < windows.size(); i++) {
            Window w = windows.get(i);
            WindowInference alone = model.run(List.of(w), OutputRows.ALL, WeightsMode.FULL)
                    .results()
                    .get(0);
            float diff = maxAbsDiff(batched.results().get(i).weights(), alone.weights());
            assertThat(diff)
                    .as("%s: max |weights in the padded batch - weights alone|", w)
                    .isLessThanOrEqualTo(WEIGHTS_TOLERANCE);
            worst = Math.max(worst, diff);
        }
        LOG.info("all-MiniLM-L6-v2 weights, padded batch vs alone: max |diff| {}", worst);
    }

    @Test
    void meanPooledHiddenStatesEqualLangchain4jEmbeddings() {
        // langchain4j's OnnxBertBiEncoder (PoolingMode.MEAN) runs the same file in its own
        // session, one sentence at a time, averages every row and normalises.
        AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
        float worst = 0;
        for (int i = 0; i < windows.size(); i++) {
            String text = MiniLm.SENTENCES.get(i);
            float[] ours = MiniLm.meanPooledNormalised(batched.results().get(i).output(), windows.get(i).length);
            float[] theirs = reference.embed(text).content().vector();
            float diff = maxAbsDiff(ours, theirs);
            assertThat(diff)
                    .as("'%s': max |our embedding - langchain4j's| per component", text)
                    .isLessThanOrEqualTo(EMBEDDING_TOLERANCE);
            worst = Math.max(worst, diff);
        }
        LOG.info("all-MiniLM-L6-v2 embeddings vs langchain4j: max |diff| {}", worst);
    }

    @Test
    void weightsLayersLastEmitsLayerFiveOfTheAllLayersRun() {
        assertThat(lastLayer.signature().layers()).isEqualTo(MiniLm.LAYERS);
        assertThat(lastLayer.signature().emittedLayers()).containsExactly(5);
        BatchInference last = lastLayer.run(windows, OutputRows.ALL, WeightsMode.FULL);
        float worst = 0;
        for (int i = 0; i < windows.size(); i++) {
            int length = windows.get(i).length;
            float[] weights = last.results().get(i).weights();
            assertThat(weights).hasSize(MiniLm.HEADS * length * length);
            float[] expected = MiniLm.layerOf(batched.results().get(i).weights(), 5, length, length);
            float diff = maxAbsDiff(weights, expected);
            assertThat(diff)
                    .as("%s: max |--weights-layers last - layer 5 of all|", windows.get(i))
                    .isLessThanOrEqualTo(SELECTION_TOLERANCE);
            assertThat(maxAbsDiff(
                            last.results().get(i).output(),
                            batched.results().get(i).output()))
                    .as("%s: output with --weights-layers last", windows.get(i))
                    .isLessThanOrEqualTo(SELECTION_TOLERANCE);
            worst = Math.max(worst, diff);
        }
        LOG.info("all-MiniLM-L6-v2 --weights-layers last vs layer 5 of all: max |diff| {}", worst);
    }

    @Test
    void weightsLayersListEmitsThoseLayersOfTheAllLayersRun() {
        assertThat(layers03.signature().emittedLayers()).containsExactly(0, 3);
        BatchInference selected = layers03.run(windows, OutputRows.ALL, WeightsMode.FULL);
        float worst = 0;
        for (int i = 0; i < windows.size(); i++) {
            int length = windows.get(i).length;
            float[] weights = selected.results().get(i).weights();
            assertThat(weights).hasSize(2 * MiniLm.HEADS * length * length);
            float[] all = batched.results().get(i).weights();
            for (int k = 0; k < 2; k++) {
                int layer = k == 0 ? 0 : 3;
                float diff = maxAbsDiff(
                        MiniLm.layerOf(weights, k, length, length), MiniLm.layerOf(all, layer, length, length));
                assertThat(diff)
                        .as("%s: max |--weights-layers 0,3 block %d - layer %d of all|", windows.get(i), k, layer)
                        .isLessThanOrEqualTo(SELECTION_TOLERANCE);
                worst = Math.max(worst, diff);
            }
        }
        // Layers 0 and 3 are different layers: the test would see them swapped.
        int length = windows.get(0).length;
        float[] all = batched.results().get(0).weights();
        assertThat(maxAbsDiff(MiniLm.layerOf(all, 0, length, length), MiniLm.layerOf(all, 3, length, length)))
                .isGreaterThan(1e-2f);
        LOG.info("all-MiniLM-L6-v2 --weights-layers 0,3 vs layers 0, 3 of all: max |diff| {}", worst);
    }
}
