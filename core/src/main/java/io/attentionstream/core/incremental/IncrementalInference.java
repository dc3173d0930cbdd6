package io.attentionstream.core.incremental;

import java.util.List;

/**
 * The results of one {@link IncrementalAttentionModel#run} call, one per step in input order, and
 * what the batch cost in padding.
 *
 * @param results one per step, in the order given
 * @param runs ONNX Runtime {@code run()} calls made: one per span of resident rows and one per
 *     cache-length group of copied steps
 * @param validSlots cached entries the steps held
 * @param paddedSlots past slots fed to the model, padding included: {@code rows × limit} for a span
 *     (idle rows too), {@code steps × longest cache} for a group
 */
public record IncrementalInference(List<StepResult> results, int runs, long validSlots, long paddedSlots) {

    /** Fraction of the past slots fed to the model that were empty, in [0, 1). */
    public double paddingRatio() {
        return paddedSlots == 0 ? 0.0 : 1.0 - (double) validSlots / paddedSlots;
    }
}
