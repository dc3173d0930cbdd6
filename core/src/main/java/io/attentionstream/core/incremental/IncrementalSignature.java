package io.attentionstream.core.incremental;

import io.attentionstream.core.model.InputKind;
import java.io.Serializable;

/**
 * What a loaded incremental model takes and gives, as read from the ONNX graph and its metadata.
 *
 * @param name model name (metadata {@code model_name}, else the graph name)
 * @param names the incremental inputs and outputs
 * @param outputName the {@code [batch, 1, outputDim]} output
 * @param weightsName the {@code [batch, heads, 1, past + 1]} output
 * @param featureDim width of one event's feature vector
 * @param outputDim width of one output row
 * @param heads attention heads
 * @param headDim width of one head's key and value
 */
public record IncrementalSignature(
        String name,
        IncrementalNames names,
        String outputName,
        String weightsName,
        int featureDim,
        int outputDim,
        int heads,
        int headDim)
        implements Serializable {

    /** Incremental models take feature vectors (token models have no incremental export). */
    public InputKind kind() {
        return InputKind.FEATURES;
    }

    /** Floats in one event's cached key (and in its value): {@code heads × headDim}. */
    public int cacheWidth() {
        return heads * headDim;
    }

    @Override
    public String toString() {
        return name + " (incremental " + names.newFeatures() + "[batch, 1, " + featureDim + "], "
                + names.pastKeys() + "/" + names.pastValues() + "[batch, " + heads + ", past, " + headDim + "] → "
                + outputName + "[batch, 1, " + outputDim + "], " + weightsName + "[batch, " + heads + ", 1, past+1])";
    }
}
