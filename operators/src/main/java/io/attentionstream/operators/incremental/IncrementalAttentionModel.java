package io.attentionstream.operators.incremental;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.attentionstream.operators.model.AttentionModel;
import io.attentionstream.operators.model.InferenceException;
import io.attentionstream.operators.model.ModelConfig;
import io.attentionstream.operators.model.OrtSessions;
import io.attentionstream.operators.model.TensorArena;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ONNX attention block that computes only the newest position of a window from the cached keys
 * and values of the earlier ones (models/README.md, "Incremental contract"). Plain Java: no Flink
 * in here, so it is tested on its own and the Flink operator only owns its lifecycle and the caches.
 *
 * <p>Steps of different cache lengths share a {@code run()}: shorter caches are left-padded to the
 * longest with {@code past_mask}. An empty slot costs only {@code O(d)} (one score and one weighted
 * value per head, and its copy), against a window model's {@code O(n·d)} per padded position, so
 * a batch is cut into several runs only where the padding would cost more than a run
 * ({@link #groupsByCacheLength}).
 *
 * <p>One instance is not thread-safe (it reuses its tensor buffers); use one per task. The
 * {@link OrtEnvironment} is the JVM-wide one and is never closed here.
 */
public final class IncrementalAttentionModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IncrementalAttentionModel.class);

    /**
     * Empty past slots that cost about as much as one more {@code run()}. Measured with
     * {@code incremental_feature_attention} (4 heads × 16) on one core: a run's fixed cost is about
     * 16 µs and a padded slot about 86 ns. Only where a batch is cut depends on it, never a result.
     */
    static final long PADDED_SLOTS_PER_RUN = 192;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final IncrementalSignature signature;
    private final String sha256;
    /** The run's tensors, each backed by a reused buffer. */
    enum Tensor { NEW_FEATURES, PAST_KEYS, PAST_VALUES, PAST_MASK, OUTPUT, WEIGHTS, NEW_KEYS, NEW_VALUES }

    private final TensorArena<Tensor> buffers = new TensorArena<>(Tensor.class);
    /** Zeros for the empty slots of a left-padded cache; grows to the longest padding seen. */
    private float[] zeros;

    private IncrementalAttentionModel(OrtEnvironment env, OrtSession session, IncrementalSignature signature, String sha256) {
        this.env = env;
        this.session = session;
        this.signature = signature;
        this.sha256 = sha256;
        this.zeros = new float[0];
    }

    /** Loads a model file with the default incremental tensor names. */
    public static IncrementalAttentionModel load(Path file, ModelConfig config) {
        return load(AttentionModel.readModelFile(file), config, IncrementalNames.defaults());
    }

    /** Loads a model from its bytes with the default incremental tensor names. */
    public static IncrementalAttentionModel load(byte[] modelBytes, ModelConfig config) {
        return load(modelBytes, config, IncrementalNames.defaults());
    }

    /**
     * Loads a model from its bytes and checks its digest (when pinned) and its signature against
     * the incremental contract: {@code out} and {@code weights} names come from {@code config}, the
     * others from {@code names}.
     */
    public static IncrementalAttentionModel load(byte[] modelBytes, ModelConfig config, IncrementalNames names) {
        String sha256 = OrtSessions.checkedDigest(modelBytes, config);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = OrtSessions.open(env, modelBytes, config);
        IncrementalSignature signature = OrtSessions.readSignature(session, s -> IncrementalSignatureReader.read(s, config, names));
        LOG.info("Loaded incremental model {} sha256={} intra-op threads={}", signature, sha256, config.intraOpThreads());
        return new IncrementalAttentionModel(env, session, signature, sha256);
    }

    public IncrementalSignature signature() {
        return signature;
    }

    /** Lower-case hex SHA-256 of the model bytes. */
    public String sha256() {
        return sha256;
    }

    /**
     * Runs the model on a batch of steps, at most one per key (a key's next step needs this one's
     * new key and value), and returns one result per step, in order. Steps are grouped by cache
     * length; each group is one {@code run()}.
     *
     * @throws IllegalArgumentException when a step does not fit the model
     * @throws InferenceException when ONNX Runtime fails
     */
    public IncrementalInference run(List<IncrementalStep> steps) {
        long valid = 0;
        for (int i = 0; i < steps.size(); i++) {
            checkStep(i, steps.get(i));
            valid += steps.get(i).pastLength();
        }
        StepResult[] results = new StepResult[steps.size()];
        List<int[]> groups = groupsByCacheLength(steps);
        long padded = 0;
        for (int[] group : groups) {
            int past = steps.get(group[0]).pastLength();
            runGroup(steps, group, past, results);
            padded += (long) group.length * past;
        }
        return new IncrementalInference(List.of(results), groups.size(), valid, padded);
    }

    /**
     * Indexes of steps, longest cache first, cut before a step when the steps from it on, padded to
     * the group's longest cache, would carry more empty slots than {@link #PADDED_SLOTS_PER_RUN}: a
     * few short caches among full ones share the run, half short and half full do not.
     */
    static List<int[]> groupsByCacheLength(List<IncrementalStep> steps) {
        Integer[] order = new Integer[steps.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> steps.get(i).pastLength()).reversed());
        List<int[]> groups = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= order.length; i++) {
            if (i == order.length || (long) (steps.get(order[start]).pastLength() - steps.get(order[i]).pastLength())
                    * (order.length - i) > PADDED_SLOTS_PER_RUN) {
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

    private void runGroup(List<IncrementalStep> all, int[] group, int past, StepResult[] results) {
        List<IncrementalStep> steps = new ArrayList<>(group.length);
        for (int index : group) {
            steps.add(all.get(index));
        }
        int batch = steps.size();
        int heads = signature.heads();
        int headDim = signature.headDim();
        int dOut = signature.outputDim();

        FloatBuffer x = buffers.get(Tensor.NEW_FEATURES, 4L * batch * signature.featureDim()).asFloatBuffer();
        FloatBuffer keys = buffers.get(Tensor.PAST_KEYS, 4L * batch * heads * past * headDim).asFloatBuffer();
        FloatBuffer values = buffers.get(Tensor.PAST_VALUES, 4L * batch * heads * past * headDim).asFloatBuffer();
        ByteBuffer mask = buffers.get(Tensor.PAST_MASK, (long) batch * past);
        fillInputs(steps, past, x, keys, values, mask);
        ByteBuffer out = buffers.get(Tensor.OUTPUT, 4L * batch * dOut);
        ByteBuffer weights = buffers.get(Tensor.WEIGHTS, 4L * batch * heads * (past + 1));
        ByteBuffer newKeys = buffers.get(Tensor.NEW_KEYS, 4L * batch * heads * headDim);
        ByteBuffer newValues = buffers.get(Tensor.NEW_VALUES, 4L * batch * heads * headDim);

        IncrementalNames names = signature.names();
        long[] pastShape = {batch, heads, past, headDim};
        long[] entryShape = {batch, heads, 1, headDim};
        try (OnnxTensor xNew = OnnxTensor.createTensor(env, x, new long[] {batch, 1, signature.featureDim()});
             OnnxTensor pastKeys = OnnxTensor.createTensor(env, keys, pastShape);
             OnnxTensor pastValues = OnnxTensor.createTensor(env, values, pastShape);
             OnnxTensor pastMask = OnnxTensor.createTensor(env, mask, new long[] {batch, past}, OnnxJavaType.BOOL);
             OnnxTensor outT = OnnxTensor.createTensor(env, out.asFloatBuffer(), new long[] {batch, 1, dOut});
             OnnxTensor weightsT = OnnxTensor.createTensor(env, weights.asFloatBuffer(), new long[] {batch, heads, 1, past + 1});
             OnnxTensor newKeysT = OnnxTensor.createTensor(env, newKeys.asFloatBuffer(), entryShape);
             OnnxTensor newValuesT = OnnxTensor.createTensor(env, newValues.asFloatBuffer(), entryShape)) {
            Map<String, OnnxTensor> inputs = Map.of(names.newFeatures(), xNew, names.pastKeys(), pastKeys,
                    names.pastValues(), pastValues, names.pastMask(), pastMask);
            Map<String, OnnxTensor> pinned = Map.of(signature.outputName(), outT, signature.weightsName(), weightsT,
                    names.newKeys(), newKeysT, names.newValues(), newValuesT);
            // Outputs are pinned to our buffers: ONNX Runtime writes them in place.
            try (OrtSession.Result ignored = session.run(inputs, pinned)) {
                List<StepResult> groupResults = extract(steps, past, out.asFloatBuffer(), weights.asFloatBuffer(),
                        newKeys.asFloatBuffer(), newValues.asFloatBuffer());
                for (int b = 0; b < batch; b++) {
                    results[group[b]] = groupResults.get(b);
                }
            }
        } catch (OrtException e) {
            throw new InferenceException("ONNX Runtime failed on a batch of " + batch + " steps with up to " + past
                    + " cached events: " + OrtSessions.firstLine(e.getMessage()), e);
        }
    }

    private void checkStep(int index, IncrementalStep step) {
        if (step.features().length != signature.featureDim()) {
            throw new IllegalArgumentException("Step " + index + " has " + step.features().length
                    + " features but model " + signature.name() + " takes " + signature.featureDim() + ".");
        }
        if (step.past() != null && step.past().width != signature.cacheWidth()) {
            throw new IllegalArgumentException("Step " + index + " has cache entries of " + step.past().width
                    + " floats but model " + signature.name() + " makes entries of " + signature.heads() + " × "
                    + signature.headDim() + ".");
        }
    }

    /** Left padding, as the goldens use: a row with k cached events holds them in its last k slots. */
    private void fillInputs(List<IncrementalStep> steps, int past, FloatBuffer x, FloatBuffer keys, FloatBuffer values,
                            ByteBuffer mask) {
        int d = signature.featureDim();
        int heads = signature.heads();
        int headDim = signature.headDim();
        for (int b = 0; b < steps.size(); b++) {
            IncrementalStep step = steps.get(b);
            x.put(b * d, step.features(), 0, d);
            int cached = step.pastLength();
            int empty = past - cached;
            for (int t = 0; t < past; t++) {
                mask.put(b * past + t, (byte) (t < empty ? 1 : 0));
            }
            for (int h = 0; h < heads; h++) {
                int row = (b * heads + h) * past * headDim;
                if (empty > 0) {
                    keys.put(row, zeros(empty * headDim), 0, empty * headDim);
                    values.put(row, zeros, 0, empty * headDim);
                }
                if (cached > 0) {
                    step.past().putHead(h, false, keys, row + empty * headDim);
                    step.past().putHead(h, true, values, row + empty * headDim);
                }
            }
        }
    }

    private List<StepResult> extract(List<IncrementalStep> steps, int past, FloatBuffer out, FloatBuffer weights,
                                     FloatBuffer newKeys, FloatBuffer newValues) {
        int heads = signature.heads();
        int dOut = signature.outputDim();
        int width = signature.cacheWidth();
        List<StepResult> results = new ArrayList<>(steps.size());
        for (int b = 0; b < steps.size(); b++) {
            int cached = steps.get(b).pastLength();
            int length = cached + 1;
            float[] output = new float[dOut];
            out.get(b * dOut, output, 0, dOut);
            // Per head: drop the empty slots in front, keep the cached ones and the new position.
            float[] w = new float[heads * length];
            for (int h = 0; h < heads; h++) {
                weights.get((b * heads + h) * (past + 1) + past - cached, w, h * length, length);
            }
            float[] key = new float[width];
            newKeys.get(b * width, key, 0, width);
            float[] value = new float[width];
            newValues.get(b * width, value, 0, width);
            results.add(new StepResult(length, output, w, key, value));
        }
        return results;
    }

    private float[] zeros(int count) {
        if (zeros.length < count) {
            zeros = new float[count];
        }
        return zeros;
    }

    /** Closes the session; the JVM-wide environment stays open for other tasks. */
    @Override
    public void close() {
        OrtSessions.closeQuietly(session);
    }

}
