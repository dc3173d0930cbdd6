package io.attentionstream.core.model;

import java.util.List;

/**
 * The results of one {@link AttentionModel#run} call, one per window in input order, and what the
 * batch cost in padding.
 *
 * @param results one per window, in the order given
 * @param runs ONNX Runtime {@code run()} calls made (one per length group)
 * @param validPositions sum of the windows' valid lengths
 * @param paddedPositions positions fed to the model, padding included
 */
public record BatchInference(List<WindowInference> results, int runs, long validPositions, long paddedPositions) {

    /** Fraction of the positions fed to the model that were padding, in [0, 1). */
    public double paddingRatio() {
        return paddedPositions == 0 ? 0.0 : 1.0 - (double) validPositions / paddedPositions;
    }
}
