package io.attentionstream.core.model;

import java.io.Serializable;
import java.util.List;

/**
 * What a loaded model takes and gives, as read from the ONNX graph and its metadata.
 *
 * @param name model name (metadata {@code model_name}, else the graph name)
 * @param kind features or tokens
 * @param inputName the features or tokens input
 * @param maskName the padding mask or attention mask input
 * @param mask which of the two {@code maskName} is
 * @param tokenTypeName the token type input fed with zeros, or null when the model has none
 * @param outputName the {@code [batch, seq, dOut]} output
 * @param attention where the attention probabilities come from
 * @param attentionOutputs the {@code [batch, heads, seq, seq]} tensors of the emitted layers, in
 *     layer order (empty when no attention is emitted)
 * @param emittedLayers the 0-based indexes of those layers
 * @param layers attention layers the model has (0 when none was found)
 * @param featureDim width of one feature vector (features models), else 0
 * @param vocabSize number of token ids (tokens models), else 0
 * @param outputDim width of one output row
 * @param heads attention heads per layer (0 when none was found)
 * @param maxPositions the longest sequence the model's position table holds, or 0 when the model
 *     has none that the job found
 * @param batchIndependent false when a window's results depend on the others in its batch
 *     (dynamically quantized graphs): such models run one unpadded window per {@code run()}
 */
public record ModelSignature(
        String name,
        InputKind kind,
        String inputName,
        String maskName,
        Mask mask,
        String tokenTypeName,
        String outputName,
        AttentionSource attention,
        List<String> attentionOutputs,
        List<Integer> emittedLayers,
        int layers,
        int featureDim,
        int vocabSize,
        int outputDim,
        int heads,
        int maxPositions,
        boolean batchIndependent)
        implements Serializable {

    /** The two ways a model is told which positions are padding. */
    public enum Mask {
        /** bool, true = padding (PyTorch's {@code key_padding_mask}): the project's contract. */
        PADDING,
        /** int64, 1 = real token: what encoders exported by the usual tools take. */
        ATTENTION
    }

    /** Where the attention probabilities come from. */
    public enum AttentionSource {
        /** The model has them as outputs. */
        OUTPUT,
        /** The job found each layer's Softmax in the graph and added it as an output at load. */
        EXPOSED,
        /** None is emitted (`--weights off`, and the model has none the job could find). */
        NONE
    }

    public ModelSignature {
        attentionOutputs = List.copyOf(attentionOutputs);
        emittedLayers = List.copyOf(emittedLayers);
    }

    /** Layers whose attention each weights record carries. */
    public int emittedLayerCount() {
        return emittedLayers.size();
    }

    @Override
    public String toString() {
        String in = kind.cliName() + " " + inputName
                + (kind == InputKind.FEATURES
                        ? "[batch, seq, " + featureDim + "]"
                        : "[batch, seq], vocabulary " + vocabSize);
        String attn = switch (attention) {
            case NONE -> "no attention";
            case OUTPUT, EXPOSED ->
                (attention == AttentionSource.EXPOSED ? "attention exposed from the graph, " : "attention ")
                        + layers + " layer" + (layers == 1 ? "" : "s") + " × " + heads + " heads"
                        + (emittedLayers.size() == layers ? "" : ", emitting layers " + emittedLayers);
        };
        return name + " (" + in + " + " + maskName + " → " + outputName + "[batch, seq, " + outputDim + "]; " + attn
                + (maxPositions > 0 ? "; at most " + maxPositions + " positions" : "")
                + (batchIndependent ? "" : "; dynamically quantized, one window per run") + ")";
    }
}
