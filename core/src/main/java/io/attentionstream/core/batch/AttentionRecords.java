package io.attentionstream.core.batch;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.core.model.FloatArrayView;
import io.attentionstream.core.model.WindowInference;
import io.attentionstream.core.window.Window;
import java.util.List;

/**
 * The contract's output records of one model: its name, digest, output width, heads and emitted
 * attention layers are fixed,
 * the window's coordinates and the floats come per record. Both operators build their records
 * here, window mode from a {@link Window}, incremental mode from a key's cache and new event.
 *
 * <p>The all-fields constructors, not the builders: one record per window (per event in
 * incremental mode), and a builder costs more than a small window's share of the model. A field
 * added to the schema breaks these calls at compile time. The records hold the float arrays
 * through {@link FloatArrayView}, not boxed copies.
 */
public final class AttentionRecords {
    private final String model;
    private final String sha256;
    private final int outputDim;
    private final int heads;
    private final List<Integer> layerIndexes;

    /** A single-layer model's records. */
    public AttentionRecords(String model, String sha256, int outputDim, int heads) {
        this(model, sha256, outputDim, heads, List.of(0));
    }

    /**
     * @param layerIndexes the model's index of each layer a weights record carries, in order
     */
    public AttentionRecords(String model, String sha256, int outputDim, int heads, List<Integer> layerIndexes) {
        this.model = model;
        this.sha256 = sha256;
        this.outputDim = outputDim;
        this.heads = heads;
        this.layerIndexes = List.copyOf(layerIndexes);
    }

    /** {@code rows × outputDim} output floats of the window from {@code startPosition} to {@code endPosition}. */
    public AttentionOutput output(
            String key,
            long startPosition,
            long endPosition,
            long startTimestamp,
            long endTimestamp,
            int length,
            int rows,
            float[] output) {
        return new AttentionOutput(
                key,
                startPosition,
                endPosition,
                startTimestamp,
                endTimestamp,
                length,
                rows,
                outputDim,
                FloatArrayView.of(output),
                model,
                sha256);
    }

    /** {@code layers × heads × queryRows × length} attention weights of the window from {@code startPosition} to {@code endPosition}. */
    public AttentionWeights weights(
            String key,
            long startPosition,
            long endPosition,
            long startTimestamp,
            long endTimestamp,
            int length,
            int queryRows,
            float[] weights) {
        return new AttentionWeights(
                key,
                startPosition,
                endPosition,
                startTimestamp,
                endTimestamp,
                length,
                heads,
                queryRows,
                FloatArrayView.of(weights),
                model,
                sha256,
                layerIndexes.size(),
                layerIndexes);
    }

    public AttentionOutput output(Window w, WindowInference r) {
        return output(
                w.key,
                w.startPosition,
                w.endPosition,
                w.startTimestamp,
                w.endTimestamp,
                w.length,
                r.rows(),
                r.output());
    }

    public AttentionWeights weights(Window w, WindowInference r) {
        return weights(
                w.key,
                w.startPosition,
                w.endPosition,
                w.startTimestamp,
                w.endTimestamp,
                w.length,
                r.queryRows(),
                r.weights());
    }
}
