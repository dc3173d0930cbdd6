package io.attentionstream.core.incremental;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.attentionstream.core.model.InferenceException;
import io.attentionstream.core.model.LengthGroups;
import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.model.OnnxModel;
import io.attentionstream.core.model.OrtSessions;
import io.attentionstream.core.model.TensorArena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * <p>With {@link #keepResident}, caches at least half full stay between runs in the model's input
 * layout ({@link ResidentRows}), and a run reads them in place: such a step costs no copy of its
 * past, which at {@code n = 512} is more than the model's own work. Shorter caches are copied into
 * a left-padded batch as above, so that a new key does not pay for {@code n − 1} slots it lacks.
 *
 * <p>One instance is not thread-safe (it reuses its tensor buffers); use one per task. The
 * {@link OrtEnvironment} is the JVM-wide one and is never closed here.
 */
public final class IncrementalAttentionModel extends OnnxModel<IncrementalSignature> {

    /**
     * Empty past slots that cost about as much as one more {@code run()}. Measured with the first
     * export of {@code incremental_feature_attention} (4 heads × 16) on one core: a run's fixed cost
     * about 16 µs, a padded slot about 86 ns. The current export, which no longer copies the past
     * inside the graph, measured about 14 µs and 26 ns (some 500 slots), so this cuts early: it
     * costs an extra run now and then, never a result.
     */
    static final long PADDED_SLOTS_PER_RUN = 192;

    /** The run's tensors, each backed by a reused buffer. */
    enum Tensor {
        NEW_FEATURES,
        PAST_KEYS,
        PAST_VALUES,
        PAST_MASK,
        OUTPUT,
        WEIGHTS,
        NEW_KEYS,
        NEW_VALUES
    }

    private final TensorArena<Tensor> buffers = new TensorArena<>(Tensor.class);
    /** Most spans whose tensors are kept: a steady stream runs over the same few spans. */
    private static final int SPAN_TENSORS_KEPT = 8;
    /** Tensors of recent spans of resident rows, by first row and count; closed when dropped. */
    private final Map<Long, SpanTensors> spanTensors = new LinkedHashMap<>(16, 0.75f, true);

    private int spanTensorsGeneration = -1;
    /** Null until {@link #keepResident}: every step is then copied into its batch. */
    private ResidentRows resident;

    private long waves;
    /** Zeros for the empty slots of a left-padded cache; grows to the longest padding seen. */
    private float[] zeros;

    /** {@link #signature()}, kept in a field for the run loops. */
    private final IncrementalSignature signature;

    private IncrementalAttentionModel(byte[] modelBytes, ModelConfig config, IncrementalNames names) {
        super(modelBytes, config, s -> IncrementalSignatureReader.read(s, config, names), "incremental model");
        this.signature = signature();
        this.zeros = new float[0];
    }

    /** Loads a model file with the default incremental tensor names. */
    public static IncrementalAttentionModel load(Path file, ModelConfig config) {
        return load(readModelFile(file), config, IncrementalNames.defaults());
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
        return new IncrementalAttentionModel(modelBytes, config, names);
    }

    /**
     * Keeps caches of {@code limit} entries resident between runs, in up to {@code maxRows} rows
     * of {@code 2 · limit · heads · headDim} floats of native memory. Caches of another limit, or
     * without an {@link KeyValueCache#id}, are still copied into each batch.
     */
    public void keepResident(int limit, int maxRows) {
        resident = limit < 1 ? null : new ResidentRows(signature.heads(), signature.headDim(), limit, maxRows);
    }

    /** Rows in use for resident caches, or 0 without {@link #keepResident}; for metrics and tests. */
    public int residentRows() {
        return resident == null ? 0 : resident.rows();
    }

    /** Caches copied into a resident row so far (not resident yet, or changed since). */
    public long residentCopies() {
        return resident == null ? 0 : resident.copies();
    }

    /**
     * Runs the model on a batch of steps, at most one per key (a key's next step needs this one's
     * new key and value), and returns one result per step, in order. Resident steps run over
     * spans of their rows; the others are grouped by cache length; each span or group is one
     * {@code run()}.
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
        List<Integer> inRows = new ArrayList<>();
        List<IncrementalStep> copied = new ArrayList<>();
        List<Integer> copiedIndex = new ArrayList<>();
        // A cache given twice (not what the operator does) must not share a row with itself.
        Set<Long> residentIds = new HashSet<>();
        for (int i = 0; i < steps.size(); i++) {
            if (resident != null
                    && inRows.size() < resident.maxRows()
                    && residentCandidate(steps.get(i))
                    && residentIds.add(steps.get(i).past().id)) {
                inRows.add(i);
            } else {
                copied.add(steps.get(i));
                copiedIndex.add(i);
            }
        }
        int runs = 0;
        long padded = 0;
        if (!inRows.isEmpty()) {
            List<KeyValueCache> caches = new ArrayList<>(inRows.size());
            for (int i : inRows) {
                caches.add(steps.get(i).past());
            }
            int[] rows = resident.place(caches, ++waves);
            for (Span span : spans(inRows, rows, resident.limit())) {
                runSpan(steps, span, results);
                runs++;
                padded += (long) span.count() * resident.limit();
            }
        }
        StepResult[] copiedResults = new StepResult[copied.size()];
        for (int[] group : groupsByCacheLength(copied)) {
            int past = copied.get(group[0]).pastLength();
            runGroup(copied, group, past, copiedResults);
            runs++;
            padded += (long) group.length * past;
        }
        for (int j = 0; j < copied.size(); j++) {
            results[copiedIndex.get(j)] = copiedResults[j];
        }
        return new IncrementalInference(List.of(results), runs, valid, padded);
    }

    /** A cache the resident rows take: of their limit, with an id, and at least half full. */
    private boolean residentCandidate(IncrementalStep step) {
        KeyValueCache past = step.past();
        return past != null && past.id != 0 && past.limit == resident.limit() && 2 * past.entries() >= past.limit;
    }

    /**
     * One {@code run()} over the resident rows {@code first .. first + count − 1}: {@code steps[i]}
     * (an index into the batch) is in row {@code rows[i]}; the other rows are computed and ignored.
     */
    record Span(int first, int count, int[] steps, int[] rows) {}

    /**
     * Cuts the steps' rows, in row order, into spans of one {@code run()} each: rows between two
     * steps' rows are computed and thrown away, so a span is cut where such idle rows would cost
     * more than a run ({@link #PADDED_SLOTS_PER_RUN}, counting a row as its {@code limit} slots).
     */
    static List<Span> spans(List<Integer> stepIndexes, int[] rows, int limit) {
        Integer[] order = new Integer[rows.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> rows[i]));
        long rowCost = limit + 1L;
        List<Span> spans = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= order.length; i++) {
            if (i == order.length || (rows[order[i]] - rows[order[i - 1]] - 1) * rowCost > PADDED_SLOTS_PER_RUN) {
                int[] spanSteps = new int[i - start];
                int[] spanRows = new int[i - start];
                for (int j = start; j < i; j++) {
                    spanSteps[j - start] = stepIndexes.get(order[j]);
                    spanRows[j - start] = rows[order[j]];
                }
                int first = spanRows[0];
                spans.add(new Span(first, spanRows[spanRows.length - 1] - first + 1, spanSteps, spanRows));
                start = i;
            }
        }
        return spans;
    }

    /** One run over a span of resident rows; the new entries go into the rows as well as the results. */
    private void runSpan(List<IncrementalStep> steps, Span span, StepResult[] results) {
        int batch = span.count();
        int heads = signature.heads();
        int d = signature.featureDim();
        int past = resident.limit();

        SpanTensors tensors = spanTensors(span.first(), batch);
        FloatBuffer x = tensors.x;
        // Idle rows get zeros: their results are thrown away, but they must be finite.
        x.put(0, zeros(batch * d), 0, batch * d);
        for (int j = 0; j < span.steps().length; j++) {
            x.put(
                    (span.rows()[j] - span.first()) * d,
                    steps.get(span.steps()[j]).features(),
                    0,
                    d);
        }
        try {
            // Outputs are pinned to the span's buffers: ONNX Runtime writes them in place.
            session.run(tensors.inputs, tensors.outputs).close();
        } catch (OrtException e) {
            throw new InferenceException(
                    "ONNX Runtime failed on a batch of " + batch + " steps with " + past + " cached events each: "
                            + OrtSessions.firstLine(e.getMessage()),
                    e);
        }

        FloatBuffer outF = tensors.out;
        FloatBuffer weightsF = tensors.weights;
        FloatBuffer newKeysF = tensors.newKeys;
        FloatBuffer newValuesF = tensors.newValues;
        float[] row = new float[heads * (past + 1)];
        for (int j = 0; j < span.steps().length; j++) {
            int index = span.rows()[j] - span.first();
            KeyValueCache cache = steps.get(span.steps()[j]).past();
            int cached = cache.entries();
            int length = cached + 1;
            weightsF.get(index * heads * (past + 1), row, 0, row.length);
            // Per head: the cached entries in event order (their slots wrap once the cache is
            // full), then the new position, which the model puts last.
            float[] w = new float[heads * length];
            int start = cached == 0 ? 0 : cache.slotOf(0);
            int first = Math.min(cached, past - start);
            for (int h = 0; h < heads; h++) {
                int from = h * (past + 1);
                System.arraycopy(row, from + start, w, h * length, first);
                System.arraycopy(row, from, w, h * length + first, cached - first);
                w[h * length + cached] = row[from + past];
            }
            results[span.steps()[j]] = result(index, length, w, outF, newKeysF, newValuesF);
            resident.append(span.rows()[j], cache, newKeysF, newValuesF, index);
        }
    }

    /**
     * Indexes of steps, longest cache first, cut before a step when the steps from it on, padded to
     * the group's longest cache, would carry more empty slots than {@link #PADDED_SLOTS_PER_RUN}: a
     * few short caches among full ones share the run, half short and half full do not.
     */
    static List<int[]> groupsByCacheLength(List<IncrementalStep> steps) {
        return LengthGroups.of(
                steps.size(),
                i -> steps.get(i).pastLength(),
                (longest, length, remaining) -> (long) (longest - length) * remaining > PADDED_SLOTS_PER_RUN);
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

        FloatBuffer x = buffers.get(Tensor.NEW_FEATURES, 4L * batch * signature.featureDim())
                .asFloatBuffer();
        FloatBuffer keys = buffers.get(Tensor.PAST_KEYS, 4L * batch * heads * past * headDim)
                .asFloatBuffer();
        FloatBuffer values = buffers.get(Tensor.PAST_VALUES, 4L * batch * heads * past * headDim)
                .asFloatBuffer();
        ByteBuffer mask = buffers.get(Tensor.PAST_MASK, (long) batch * past);
        fillInputs(steps, past, x, keys, values, mask);
        ByteBuffer out = buffers.get(Tensor.OUTPUT, 4L * batch * dOut);
        ByteBuffer weights = buffers.get(Tensor.WEIGHTS, 4L * batch * heads * (past + 1));
        ByteBuffer newKeys = buffers.get(Tensor.NEW_KEYS, 4L * batch * heads * headDim);
        ByteBuffer newValues = buffers.get(Tensor.NEW_VALUES, 4L * batch * heads * headDim);

        run(batch, past, x, keys, values, mask, out, weights, newKeys, newValues);
        List<StepResult> groupResults = extract(
                steps,
                past,
                out.asFloatBuffer(),
                weights.asFloatBuffer(),
                newKeys.asFloatBuffer(),
                newValues.asFloatBuffer());
        for (int b = 0; b < batch; b++) {
            results[group[b]] = groupResults.get(b);
        }
    }

    /** One {@code run()} with every tensor backed by the given buffers; the outputs are written in place. */
    private void run(
            int batch,
            int past,
            FloatBuffer x,
            FloatBuffer keys,
            FloatBuffer values,
            ByteBuffer mask,
            ByteBuffer out,
            ByteBuffer weights,
            ByteBuffer newKeys,
            ByteBuffer newValues) {
        IncrementalNames names = signature.names();
        int heads = signature.heads();
        int headDim = signature.headDim();
        int dOut = signature.outputDim();
        long[] pastShape = {batch, heads, past, headDim};
        long[] entryShape = {batch, heads, 1, headDim};
        try (OnnxTensor xNew = OnnxTensor.createTensor(env, x, new long[] {batch, 1, signature.featureDim()});
                OnnxTensor pastKeys = OnnxTensor.createTensor(env, keys, pastShape);
                OnnxTensor pastValues = OnnxTensor.createTensor(env, values, pastShape);
                OnnxTensor pastMask = OnnxTensor.createTensor(env, mask, new long[] {batch, past}, OnnxJavaType.BOOL);
                OnnxTensor outT = OnnxTensor.createTensor(env, out.asFloatBuffer(), new long[] {batch, 1, dOut});
                OnnxTensor weightsT =
                        OnnxTensor.createTensor(env, weights.asFloatBuffer(), new long[] {batch, heads, 1, past + 1});
                OnnxTensor newKeysT = OnnxTensor.createTensor(env, newKeys.asFloatBuffer(), entryShape);
                OnnxTensor newValuesT = OnnxTensor.createTensor(env, newValues.asFloatBuffer(), entryShape)) {
            Map<String, OnnxTensor> inputs = Map.of(
                    names.newFeatures(),
                    xNew,
                    names.pastKeys(),
                    pastKeys,
                    names.pastValues(),
                    pastValues,
                    names.pastMask(),
                    pastMask);
            Map<String, OnnxTensor> pinned = Map.of(
                    signature.outputName(),
                    outT,
                    signature.weightsName(),
                    weightsT,
                    names.newKeys(),
                    newKeysT,
                    names.newValues(),
                    newValuesT);
            // Outputs are pinned to our buffers: ONNX Runtime writes them in place.
            session.run(inputs, pinned).close();
        } catch (OrtException e) {
            throw new InferenceException(
                    "ONNX Runtime failed on a batch of " + batch + " steps with up to " + past + " cached events: "
                            + OrtSessions.firstLine(e.getMessage()),
                    e);
        }
    }

    /**
     * The tensors of a span of resident rows, made once and reused while the rows stay in the same
     * buffers: the inputs read the rows in place, the outputs are the span's own buffers.
     */
    private SpanTensors spanTensors(int first, int count) {
        if (spanTensorsGeneration != resident.generation()) {
            closeSpanTensors();
            spanTensorsGeneration = resident.generation();
        }
        long key = ((long) first << 32) | count;
        SpanTensors tensors = spanTensors.get(key);
        if (tensors == null) {
            if (spanTensors.size() >= SPAN_TENSORS_KEPT) {
                Map.Entry<Long, SpanTensors> eldest =
                        spanTensors.entrySet().iterator().next();
                eldest.getValue().close();
                spanTensors.remove(eldest.getKey());
            }
            tensors = new SpanTensors(first, count);
            spanTensors.put(key, tensors);
        }
        return tensors;
    }

    private void closeSpanTensors() {
        for (SpanTensors tensors : spanTensors.values()) {
            tensors.close();
        }
        spanTensors.clear();
    }

    /** The eight tensors of one span of resident rows and the buffers of its new features and outputs. */
    private final class SpanTensors implements AutoCloseable {
        final FloatBuffer x;
        final FloatBuffer out;
        final FloatBuffer weights;
        final FloatBuffer newKeys;
        final FloatBuffer newValues;
        final Map<String, OnnxTensor> inputs;
        final Map<String, OnnxTensor> outputs;

        SpanTensors(int first, int count) {
            int heads = signature.heads();
            int headDim = signature.headDim();
            int past = resident.limit();
            x = floats(count * signature.featureDim());
            out = floats(count * signature.outputDim());
            weights = floats(count * heads * (past + 1));
            newKeys = floats(count * heads * headDim);
            newValues = floats(count * heads * headDim);
            IncrementalNames names = signature.names();
            long[] pastShape = {count, heads, past, headDim};
            long[] entryShape = {count, heads, 1, headDim};
            Map<String, OnnxTensor> in = new HashMap<>();
            Map<String, OnnxTensor> pinned = new HashMap<>();
            try {
                in.put(names.newFeatures(), OnnxTensor.createTensor(env, x, new long[] {count, 1, signature.featureDim()
                }));
                in.put(names.pastKeys(), OnnxTensor.createTensor(env, resident.keys(first, count), pastShape));
                in.put(names.pastValues(), OnnxTensor.createTensor(env, resident.values(first, count), pastShape));
                in.put(
                        names.pastMask(),
                        OnnxTensor.createTensor(
                                env, resident.mask(first, count), new long[] {count, past}, OnnxJavaType.BOOL));
                pinned.put(
                        signature.outputName(),
                        OnnxTensor.createTensor(env, out, new long[] {count, 1, signature.outputDim()}));
                pinned.put(
                        signature.weightsName(),
                        OnnxTensor.createTensor(env, weights, new long[] {count, heads, 1, past + 1}));
                pinned.put(names.newKeys(), OnnxTensor.createTensor(env, newKeys, entryShape));
                pinned.put(names.newValues(), OnnxTensor.createTensor(env, newValues, entryShape));
            } catch (OrtException e) {
                in.values().forEach(OnnxTensor::close);
                pinned.values().forEach(OnnxTensor::close);
                throw new InferenceException(
                        "ONNX Runtime could not wrap the tensors of " + count + " resident rows: "
                                + OrtSessions.firstLine(e.getMessage()),
                        e);
            }
            inputs = Map.copyOf(in);
            outputs = Map.copyOf(pinned);
        }

        private static FloatBuffer floats(int count) {
            return ByteBuffer.allocateDirect(count * Float.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
        }

        @Override
        public void close() {
            inputs.values().forEach(OnnxTensor::close);
            outputs.values().forEach(OnnxTensor::close);
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
    private void fillInputs(
            List<IncrementalStep> steps,
            int past,
            FloatBuffer x,
            FloatBuffer keys,
            FloatBuffer values,
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

    private List<StepResult> extract(
            List<IncrementalStep> steps,
            int past,
            FloatBuffer out,
            FloatBuffer weights,
            FloatBuffer newKeys,
            FloatBuffer newValues) {
        int heads = signature.heads();
        List<StepResult> results = new ArrayList<>(steps.size());
        for (int b = 0; b < steps.size(); b++) {
            int cached = steps.get(b).pastLength();
            int length = cached + 1;
            // Per head: drop the empty slots in front, keep the cached ones and the new position.
            float[] w = new float[heads * length];
            for (int h = 0; h < heads; h++) {
                weights.get((b * heads + h) * (past + 1) + past - cached, w, h * length, length);
            }
            results.add(result(b, length, w, out, newKeys, newValues));
        }
        return results;
    }

    /** Step {@code index} of a run's outputs, with its weights already in event order. */
    private StepResult result(
            int index, int length, float[] weights, FloatBuffer out, FloatBuffer newKeys, FloatBuffer newValues) {
        int dOut = signature.outputDim();
        int width = signature.cacheWidth();
        float[] output = new float[dOut];
        out.get(index * dOut, output, 0, dOut);
        float[] key = new float[width];
        newKeys.get(index * width, key, 0, width);
        float[] value = new float[width];
        newValues.get(index * width, value, 0, value.length);
        return new StepResult(length, output, weights, key, value);
    }

    private float[] zeros(int count) {
        if (zeros.length < count) {
            zeros = new float[count];
        }
        return zeros;
    }

    /** Closes the tensors of resident spans, then the session. */
    @Override
    public void close() {
        closeSpanTensors();
        super.close();
    }
}
