package io.attentionstream.core.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.attentionstream.core.window.Window;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX attention model, ready to run batches of windows: one of the project's attention blocks
 * or a multi-layer encoder as the usual exporters write it, whose attention probabilities are
 * exposed at load when it has no attention output ({@link ModelPreparation}). Plain Java: no Flink
 * in here, so it is tested and benchmarked on its own and the Flink operator only owns its
 * lifecycle. Loading, the digest and closing are {@link OnnxModel}'s.
 */
public final class AttentionModel extends OnnxModel<ModelSignature> {
    /** The run's tensors, each backed by a reused buffer; one more per emitted attention layer. */
    private enum Tensor {
        INPUT,
        MASK,
        TOKEN_TYPE,
        OUTPUT
    }

    private final TensorArena<Tensor> arena;
    /** Put around every window, or null. */
    private final SpecialTokens special;
    /** The model position of a window's first event: 1 after a special token, else 0. */
    private final int offset;

    private AttentionModel(String sha256, ModelPreparation prepared, ModelConfig config) {
        super(sha256, prepared.sessionBytes(), config, s -> SignatureReader.read(s, config, prepared), "model");
        arena = new TensorArena<>(Tensor.class, signature().emittedLayerCount());
        special = config.specialTokens();
        offset = special == null ? 0 : 1;
        if (special != null) {
            checkSpecialTokens(special, signature());
        }
    }

    private void checkSpecialTokens(SpecialTokens tokens, ModelSignature sig) {
        String refusal = null;
        if (sig.kind() != InputKind.TOKENS) {
            refusal = "--special-tokens needs a token model, and " + sig.name() + " takes features.";
        } else if (Math.max(tokens.first(), tokens.last()) >= sig.vocabSize()) {
            refusal = "--special-tokens " + tokens + " names a token outside the model's vocabulary of "
                    + sig.vocabSize() + ".";
        }
        if (refusal != null) {
            close();
            throw new ModelLoadException(refusal);
        }
    }

    /**
     * The most events a window may hold: the position table's rows, less the special tokens'
     * positions; 0 when the model has no position table the job found.
     */
    public int longestWindow() {
        int positions = signature().maxPositions();
        return positions == 0 ? 0 : positions - (special == null ? 0 : SpecialTokens.EXTRA_POSITIONS);
    }

    /** Loads a model file; a missing or unreadable file is reported with the path. */
    public static AttentionModel load(Path file, ModelConfig config) {
        return load(readModelFile(file), config.withFileName(file));
    }

    /**
     * Loads a model from its bytes, checks its digest (when pinned) and its signature against the
     * contract and the configuration.
     */
    public static AttentionModel load(byte[] modelBytes, ModelConfig config) {
        String sha256 = OrtSessions.checkedDigest(modelBytes, config);
        return new AttentionModel(sha256, ModelPreparation.of(modelBytes, config), config);
    }

    /**
     * Runs the model on a batch of windows of possibly different lengths and returns one result per
     * window, in order. Windows are grouped by length so that short windows (flushes) are not
     * padded to the longest one; each group is one {@code run()}. A model whose results depend on
     * the batch ({@link ModelSignature#batchIndependent()}) runs each window alone, unpadded.
     */
    public BatchInference run(List<Window> windows, OutputRows rows, WeightsMode weights) {
        if (windows.isEmpty()) {
            return new BatchInference(List.of(), 0, 0, 0);
        }
        long valid = 0;
        for (Window w : windows) {
            checkWindow(w);
            valid += w.length;
        }
        WindowInference[] results = new WindowInference[windows.size()];
        List<int[]> groups = groupsByLength(windows, signature().batchIndependent());
        long padded = 0;
        for (int[] group : groups) {
            runGroup(windows, group, rows, weights, results);
            padded += (long) group.length * windows.get(group[0]).length;
        }
        return new BatchInference(Arrays.asList(results), groups.size(), valid, padded);
    }

    private void checkWindow(Window w) {
        if (w.length < 1) {
            throw new IllegalArgumentException("Window " + w + " has no events.");
        }
        if (signature().kind() == InputKind.FEATURES) {
            if (w.features == null
                    || w.features.length != w.length * signature().featureDim()) {
                throw new IllegalArgumentException("Window " + w + " does not hold " + w.length + " × "
                        + signature().featureDim() + " features for model "
                        + signature().name() + ".");
            }
        } else if (w.tokens == null || w.tokens.length != w.length) {
            throw new IllegalArgumentException("Window " + w + " does not hold " + w.length + " tokens for model "
                    + signature().name() + ".");
        }
    }

    /**
     * Indexes of windows, longest first, cut where a window is shorter than half of its group's
     * longest: padding it further would cost more than the extra {@code run()}. Without {@code
     * padding} (a batch-dependent model), one group per window.
     */
    static List<int[]> groupsByLength(List<Window> windows, boolean padding) {
        return LengthGroups.of(
                windows.size(),
                i -> windows.get(i).length,
                (longest, length, remaining) -> !padding || 2 * length < longest);
    }

    private void runGroup(
            List<Window> windows, int[] group, OutputRows rows, WeightsMode weightsMode, WindowInference[] results) {
        ModelSignature sig = signature();
        int batch = group.length;
        int seq = windows.get(group[0]).length + 2 * offset;
        int dOut = sig.outputDim();
        long[] seqShape = {batch, seq};
        int layers = weightsMode == WeightsMode.OFF ? 0 : sig.emittedLayerCount();

        ByteBuffer outBytes = arena.get(Tensor.OUTPUT, 4L * batch * seq * dOut);
        ByteBuffer[] weightsBytes = new ByteBuffer[layers];
        for (int l = 0; l < layers; l++) {
            weightsBytes[l] = arena.extra(l, 4L * batch * sig.heads() * seq * seq);
        }
        Map<String, OnnxTensor> inputs = new HashMap<>();
        Map<String, OnnxTensor> pinned = new HashMap<>();
        try {
            inputs.put(sig.inputName(), inputTensor(windows, group, seq));
            inputs.put(sig.maskName(), maskTensor(windows, group, seq));
            if (sig.tokenTypeName() != null) {
                LongBuffer types =
                        arena.get(Tensor.TOKEN_TYPE, 8L * batch * seq).asLongBuffer();
                for (int i = 0; i < batch * seq; i++) {
                    types.put(i, 0L);
                }
                inputs.put(sig.tokenTypeName(), OnnxTensor.createTensor(env, types, seqShape));
            }
            // Outputs are pinned to our buffers: ONNX Runtime writes them in place.
            pinned.put(
                    sig.outputName(),
                    OnnxTensor.createTensor(env, outBytes.asFloatBuffer(), new long[] {batch, seq, dOut}));
            for (int l = 0; l < layers; l++) {
                pinned.put(
                        sig.attentionOutputs().get(l),
                        OnnxTensor.createTensor(
                                env, weightsBytes[l].asFloatBuffer(), new long[] {batch, sig.heads(), seq, seq}));
            }
            try (OrtSession.Result ignored = session.run(inputs, Set.of(), pinned)) {
                FloatBuffer outView = outBytes.asFloatBuffer();
                FloatBuffer[] weightsViews = new FloatBuffer[layers];
                for (int l = 0; l < layers; l++) {
                    weightsViews[l] = weightsBytes[l].asFloatBuffer();
                }
                for (int b = 0; b < batch; b++) {
                    results[group[b]] =
                            extract(outView, weightsViews, b, seq, windows.get(group[b]).length, rows, weightsMode);
                }
            }
        } catch (OrtException e) {
            throw new InferenceException(
                    "ONNX Runtime failed on a batch of " + batch + " windows of " + seq + " positions: "
                            + OrtSessions.firstLine(e.getMessage()),
                    e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
            pinned.values().forEach(OnnxTensor::close);
        }
    }

    /** The padding mask (true = padding) or the attention mask (1 = real), as the model takes it. */
    private OnnxTensor maskTensor(List<Window> windows, int[] group, int seq) throws OrtException {
        int batch = group.length;
        long[] shape = {batch, seq};
        if (signature().mask() == ModelSignature.Mask.PADDING) {
            ByteBuffer mask = arena.get(Tensor.MASK, (long) batch * seq);
            for (int b = 0; b < batch; b++) {
                int length = windows.get(group[b]).length + 2 * offset;
                for (int t = 0; t < seq; t++) {
                    mask.put(b * seq + t, (byte) (t < length ? 0 : 1));
                }
            }
            return OnnxTensor.createTensor(env, mask, shape, OnnxJavaType.BOOL);
        }
        LongBuffer mask = arena.get(Tensor.MASK, 8L * batch * seq).asLongBuffer();
        for (int b = 0; b < batch; b++) {
            int length = windows.get(group[b]).length + 2 * offset;
            for (int t = 0; t < seq; t++) {
                mask.put(b * seq + t, t < length ? 1L : 0L);
            }
        }
        return OnnxTensor.createTensor(env, mask, shape);
    }

    private OnnxTensor inputTensor(List<Window> windows, int[] group, int seq) throws OrtException {
        int batch = group.length;
        if (signature().kind() == InputKind.FEATURES) {
            int d = signature().featureDim();
            FloatBuffer x = arena.get(Tensor.INPUT, 4L * batch * seq * d).asFloatBuffer();
            for (int b = 0; b < batch; b++) {
                Window w = windows.get(group[b]);
                x.position(b * seq * d);
                x.put(w.features, 0, w.length * d);
                for (int i = w.length * d; i < seq * d; i++) {
                    x.put(0f);
                }
            }
            x.rewind();
            return OnnxTensor.createTensor(env, x, new long[] {batch, seq, d});
        }
        LongBuffer tokens = arena.get(Tensor.INPUT, 8L * batch * seq).asLongBuffer();
        for (int b = 0; b < batch; b++) {
            Window w = windows.get(group[b]);
            tokens.position(b * seq);
            if (special != null) {
                tokens.put(special.first());
            }
            tokens.put(w.tokens, 0, w.length);
            if (special != null) {
                tokens.put(special.last());
            }
            for (int i = w.length + 2 * offset; i < seq; i++) {
                tokens.put(0L);
            }
        }
        tokens.rewind();
        return OnnxTensor.createTensor(env, tokens, new long[] {batch, seq});
    }

    private WindowInference extract(
            FloatBuffer out,
            FloatBuffer[] weights,
            int b,
            int seq,
            int length,
            OutputRows rows,
            WeightsMode weightsMode) {
        int dOut = signature().outputDim();
        int heads = signature().heads();
        int firstRow = rows == OutputRows.ALL ? 0 : length - 1;
        int outRows = length - firstRow;
        float[] output = new float[outRows * dOut];
        out.get((b * seq + offset + firstRow) * dOut, output, 0, outRows * dOut);

        if (weightsMode == WeightsMode.OFF || weights.length == 0) {
            return new WindowInference(outRows, output, 0, null);
        }
        int firstQuery = weightsMode == WeightsMode.FULL ? 0 : length - 1;
        int queryRows = length - firstQuery;
        float[] w = new float[weights.length * heads * queryRows * length];
        int dst = 0;
        for (FloatBuffer layer : weights) {
            for (int h = 0; h < heads; h++) {
                for (int q = firstQuery; q < length; q++) {
                    layer.get(((b * heads + h) * seq + offset + q) * seq + offset, w, dst, length);
                    dst += length;
                }
            }
        }
        return new WindowInference(outRows, output, queryRows, w);
    }
}
