package io.attentionstream.core.pretrained;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.attentionstream.core.window.Window;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * all-MiniLM-L6-v2 as langchain4j ships it, unpacked by the build into {@code target/pretrained}
 * (system property {@code pretrained.dir}), and the references that are not ours: its tokenizer
 * (DJL's Hugging Face tokenizers) and the unmodified file run through a plain {@link OrtSession}.
 */
final class MiniLm {
    static final String FP32 = "all-minilm-l6-v2";
    static final String QUANTIZED = "all-minilm-l6-v2-q";

    static final int LAYERS = 6;
    static final int HEADS = 12;
    static final int DIM = 384;
    static final int VOCAB = 30522;
    static final int MAX_POSITIONS = 512;

    /**
     * Sentences from 5 to 40 tokens once [CLS] and [SEP] are added ({@link #tokens}); the test that
     * batches them checks the lengths.
     */
    static final List<String> SENTENCES = List.of(
            "Kafka keeps the log.",
            "The operator batches windows of different lengths and pads them to the longest one in the group.",
            "Attention weights of every layer are exposed from the graph.",
            "A short flush is not padded to a long window: it runs in its own group, which costs one more run"
                    + " of the encoder but saves the padded positions.",
            "Dynamic quantization computes its scale over the whole batch.",
            "Sequence windows per key.");

    private MiniLm() {}

    /** The folder the build unpacks the models into; a missing one fails the test with how to get it. */
    static Path dir() {
        String configured = System.getProperty("pretrained.dir");
        if (configured == null) {
            throw new IllegalStateException("System property pretrained.dir is not set: run these tests through"
                    + " Maven (mvn -o test -pl core), which unpacks all-MiniLM-L6-v2 from the langchain4j jars"
                    + " into core/target/pretrained during generate-test-resources.");
        }
        Path dir = Path.of(configured);
        if (!Files.isRegularFile(dir.resolve(FP32 + ".onnx"))
                || !Files.isRegularFile(dir.resolve(QUANTIZED + ".onnx"))) {
            throw new IllegalStateException("The pretrained models are not in " + dir.toAbsolutePath()
                    + " (expected " + FP32 + ".onnx and " + QUANTIZED + ".onnx): run mvn -o generate-test-resources"
                    + " -pl core, which unpacks them from the langchain4j jars in ~/.m2.");
        }
        return dir;
    }

    static Path model(String name) {
        return dir().resolve(name + ".onnx");
    }

    static byte[] modelBytes(String name) {
        try {
            return Files.readAllBytes(model(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static HuggingFaceTokenizer tokenizer(String name) {
        try {
            return HuggingFaceTokenizer.newInstance(dir().resolve(name + "-tokenizer.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The token ids of a text with [CLS] and [SEP] added, as the tokenizer gives them. */
    static long[] tokens(HuggingFaceTokenizer tokenizer, String text) {
        return tokenizer.encode(text).getIds();
    }

    static Window window(String key, long[] tokens) {
        return Window.ofTokens(key, 0, tokens.length - 1, 0, 0, tokens.length, tokens);
    }

    /** The unmodified model file in a plain ONNX Runtime session, one thread. */
    static OrtSession plainSession(String name) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            return OrtEnvironment.getEnvironment().createSession(model(name).toString(), options);
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code last_hidden_state} of a plain padded batch, each sequence's valid rows only ({@code
     * length × 384}): input_ids padded with 0, attention_mask 1 on real tokens and 0 on padding,
     * token_type_ids zeros. One sequence is the unpadded reference.
     */
    static List<float[]> plainHiddenStates(OrtSession session, List<long[]> sequences) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int batch = sequences.size();
        int seq = sequences.stream().mapToInt(s -> s.length).max().orElseThrow();
        long[] ids = new long[batch * seq];
        long[] mask = new long[batch * seq];
        for (int b = 0; b < batch; b++) {
            long[] s = sequences.get(b);
            for (int t = 0; t < s.length; t++) {
                ids[b * seq + t] = s[t];
                mask[b * seq + t] = 1;
            }
        }
        long[] shape = {batch, seq};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[batch * seq]), shape));
            try (OrtSession.Result result = session.run(inputs)) {
                OnnxTensor hidden = (OnnxTensor) result.get("last_hidden_state").orElseThrow();
                long[] outShape = hidden.getInfo().getShape();
                if (outShape.length != 3 || outShape[0] != batch || outShape[1] != seq || outShape[2] != DIM) {
                    throw new IllegalStateException("last_hidden_state is " + Arrays.toString(outShape));
                }
                FloatBuffer all = hidden.getFloatBuffer();
                List<float[]> rows = new ArrayList<>();
                for (int b = 0; b < batch; b++) {
                    float[] valid = new float[sequences.get(b).length * DIM];
                    all.get(b * seq * DIM, valid, 0, valid.length);
                    rows.add(valid);
                }
                return rows;
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** One sequence alone, unpadded. */
    static float[] plainHiddenState(OrtSession session, long[] tokens) throws OrtException {
        return plainHiddenStates(session, List.of(tokens)).get(0);
    }

    /**
     * Mean over every row (the sentence-transformers pooling of all-MiniLM-L6-v2; with one unpadded
     * sequence every row is a real token, [CLS] and [SEP] included), then L2-normalised: what
     * langchain4j's OnnxBertBiEncoder does with PoolingMode.MEAN.
     */
    static float[] meanPooledNormalised(float[] hidden, int rows) {
        double[] sum = new double[DIM];
        for (int r = 0; r < rows; r++) {
            for (int d = 0; d < DIM; d++) {
                sum[d] += hidden[r * DIM + d];
            }
        }
        double norm = 0;
        for (int d = 0; d < DIM; d++) {
            sum[d] /= rows;
            norm += sum[d] * sum[d];
        }
        norm = Math.sqrt(norm);
        float[] embedding = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            embedding[d] = (float) (sum[d] / norm);
        }
        return embedding;
    }

    /** Layer {@code layer}'s block of a window's weights ({@code layers × heads × rows × length}). */
    static float[] layerOf(float[] weights, int layer, int queryRows, int length) {
        int block = HEADS * queryRows * length;
        float[] out = new float[block];
        System.arraycopy(weights, layer * block, out, 0, block);
        return out;
    }
}
