package io.attentionstream.core.model;

import java.io.Serializable;

/**
 * What a loaded model takes and gives, as read from the ONNX graph and its metadata.
 *
 * @param name model name (metadata {@code model_name}, else the graph name)
 * @param kind features or tokens
 * @param inputName the features or tokens input
 * @param padMaskName the bool padding mask input
 * @param outputName the {@code [batch, seq, dOut]} output
 * @param weightsName the {@code [batch, heads, seq, seq]} output
 * @param featureDim width of one feature vector (features models), else 0
 * @param vocabSize number of token ids (tokens models), else 0
 * @param outputDim width of one output row
 * @param heads attention heads in the weights output
 */
public record ModelSignature(
        String name,
        InputKind kind,
        String inputName,
        String padMaskName,
        String outputName,
        String weightsName,
        int featureDim,
        int vocabSize,
        int outputDim,
        int heads)
        implements Serializable {

    @Override
    public String toString() {
        return name + " (" + kind.cliName() + " " + inputName
                + (kind == InputKind.FEATURES
                        ? "[batch, seq, " + featureDim + "]"
                        : "[batch, seq], vocabulary " + vocabSize)
                + " → " + outputName + "[batch, seq, " + outputDim + "], " + weightsName
                + "[batch, " + heads + ", seq, seq])";
    }
}
