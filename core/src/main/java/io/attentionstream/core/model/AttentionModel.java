package io.attentionstream.core.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.attentionstream.core.window.Window;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ONNX attention block, ready to run batches of windows. Plain Java: no Flink in here, so it is
 * tested and benchmarked on its own and the Flink operator only owns its lifecycle.
 *
 * <p>One instance is not thread-safe (it reuses its tensor buffers); use one per task. The
 * {@link OrtEnvironment} is the JVM-wide one and is never closed here.
 */
public final class AttentionModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AttentionModel.class);

    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelSignature signature;
    private final String sha256;
    /** The run's tensors, each backed by a reused buffer. */
    private enum Tensor { INPUT, PAD_MASK, OUTPUT, WEIGHTS }

    private final TensorArena<Tensor> arena = new TensorArena<>(Tensor.class);

    private AttentionModel(OrtEnvironment env, OrtSession session, ModelSignature signature, String sha256) {
        this.env = env;
        this.session = session;
        this.signature = signature;
        this.sha256 = sha256;
    }

    /** Loads a model file; a missing or unreadable file is reported with the path. */
    public static AttentionModel load(Path file, ModelConfig config) {
        return load(readModelFile(file), config);
    }

    /** Reads a model file with a message that names the `--model` setting when it cannot. */
    public static byte[] readModelFile(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("The model file " + file.toAbsolutePath() + " does not exist: check --model.");
        } catch (IOException e) {
            throw new ModelLoadException("The model file " + file.toAbsolutePath() + " cannot be read (" + e.getMessage()
                    + "): check --model.", e);
        }
    }

    /**
     * Loads a model from its bytes, checks its digest (when pinned) and its signature against the
     * contract and the configuration.
     */
    public static AttentionModel load(byte[] modelBytes, ModelConfig config) {
        String sha256 = OrtSessions.checkedDigest(modelBytes, config);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = OrtSessions.open(env, modelBytes, config);
        ModelSignature signature = OrtSessions.readSignature(session, s -> SignatureReader.read(s, config));
        LOG.info("Loaded model {} sha256={} intra-op threads={}", signature, sha256, config.intraOpThreads());
        return new AttentionModel(env, session, signature, sha256);
    }

    public ModelSignature signature() {
        return signature;
    }

    /** Lower-case hex SHA-256 of the model bytes. */
    public String sha256() {
        return sha256;
    }

    /**
     * Runs the model on a batch of windows of possibly different lengths and returns one result per
     * window, in order. Windows are grouped by length so that short windows (flushes) are not
     * padded to the longest one; each group is one {@code run()}.
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
        List<int[]> groups = groupsByLength(windows);
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
        if (signature.kind() == InputKind.FEATURES) {
            if (w.features == null || w.features.length != w.length * signature.featureDim()) {
                throw new IllegalArgumentException("Window " + w + " does not hold " + w.length + " × "
                        + signature.featureDim() + " features for model " + signature.name() + ".");
            }
        } else if (w.tokens == null || w.tokens.length != w.length) {
            throw new IllegalArgumentException(
                    "Window " + w + " does not hold " + w.length + " tokens for model " + signature.name() + ".");
        }
    }

    /**
     * Indexes of windows, longest first, cut where a window is shorter than half of its group's
     * longest: padding it further would cost more than the extra {@code run()}.
     */
    static List<int[]> groupsByLength(List<Window> windows) {
        Integer[] order = new Integer[windows.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> windows.get(i).length).reversed());
        List<int[]> groups = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= order.length; i++) {
            if (i == order.length || 2 * windows.get(order[i]).length < windows.get(order[start]).length) {
                int[] group = new int[i - start];
                for (int j = start; j < i; j++) {
                    group[j - start] = order[j];
                }
                groups.add(group);
                start = i;
            }
        }
        return groups;
    }

    private void runGroup(List<Window> windows, int[] group, OutputRows rows, WeightsMode weightsMode,
                          WindowInference[] results) {
        int batch = group.length;
        int seq = windows.get(group[0]).length;
        int heads = signature.heads();
        int dOut = signature.outputDim();
        long[] seqShape = {batch, seq};

        ByteBuffer mask = arena.get(Tensor.PAD_MASK, (long) batch * seq);
        ByteBuffer outBytes = arena.get(Tensor.OUTPUT, 4L * batch * seq * dOut);
        ByteBuffer weightsBytes = arena.get(Tensor.WEIGHTS, 4L * batch * heads * seq * seq);
        for (int b = 0; b < batch; b++) {
            int length = windows.get(group[b]).length;
            for (int t = 0; t < seq; t++) {
                mask.put(b * seq + t, (byte) (t < length ? 0 : 1));
            }
        }

        try (OnnxTensor input = inputTensor(windows, group, seq);
             OnnxTensor padMask = OnnxTensor.createTensor(env, mask, seqShape, OnnxJavaType.BOOL);
             OnnxTensor out = OnnxTensor.createTensor(env, outBytes.asFloatBuffer(), new long[] {batch, seq, dOut});
             OnnxTensor attn = OnnxTensor.createTensor(
                     env, weightsBytes.asFloatBuffer(), new long[] {batch, heads, seq, seq})) {
            Map<String, OnnxTensor> inputs = Map.of(signature.inputName(), input, signature.padMaskName(), padMask);
            Map<String, OnnxTensor> pinned = Map.of(signature.outputName(), out, signature.weightsName(), attn);
            // Outputs are pinned to our buffers: ONNX Runtime writes them in place.
            try (OrtSession.Result ignored = session.run(inputs, pinned)) {
                FloatBuffer outView = outBytes.asFloatBuffer();
                FloatBuffer weightsView = weightsBytes.asFloatBuffer();
                for (int b = 0; b < batch; b++) {
                    results[group[b]] = extract(outView, weightsView, b, seq, windows.get(group[b]).length, rows, weightsMode);
                }
            }
        } catch (OrtException e) {
            throw new InferenceException("ONNX Runtime failed on a batch of " + batch + " windows of "
                    + seq + " positions: " + OrtSessions.firstLine(e.getMessage()), e);
        }
    }

    private OnnxTensor inputTensor(List<Window> windows, int[] group, int seq) throws OrtException {
        int batch = group.length;
        if (signature.kind() == InputKind.FEATURES) {
            int d = signature.featureDim();
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
            tokens.put(w.tokens, 0, w.length);
            for (int i = w.length; i < seq; i++) {
                tokens.put(0L);
            }
        }
        tokens.rewind();
        return OnnxTensor.createTensor(env, tokens, new long[] {batch, seq});
    }

    private WindowInference extract(FloatBuffer out, FloatBuffer weights, int b, int seq, int length,
                                    OutputRows rows, WeightsMode weightsMode) {
        int dOut = signature.outputDim();
        int heads = signature.heads();
        int firstRow = rows == OutputRows.ALL ? 0 : length - 1;
        int outRows = length - firstRow;
        float[] output = new float[outRows * dOut];
        out.get((b * seq + firstRow) * dOut, output, 0, outRows * dOut);

        if (weightsMode == WeightsMode.OFF) {
            return new WindowInference(outRows, output, 0, null);
        }
        int firstQuery = weightsMode == WeightsMode.FULL ? 0 : length - 1;
        int queryRows = length - firstQuery;
        float[] w = new float[heads * queryRows * length];
        int dst = 0;
        for (int h = 0; h < heads; h++) {
            for (int q = firstQuery; q < length; q++) {
                weights.get(((b * heads + h) * seq + q) * seq, w, dst, length);
                dst += length;
            }
        }
        return new WindowInference(outRows, output, queryRows, w);
    }

    /** Closes the session; the JVM-wide environment stays open for other tasks. */
    @Override
    public void close() {
        OrtSessions.closeQuietly(session);
    }

}
