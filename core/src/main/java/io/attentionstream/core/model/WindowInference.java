package io.attentionstream.core.model;

/**
 * The model's result for one window, padding removed.
 *
 * @param rows output rows present ({@code length}, or 1 for the last row only)
 * @param output {@code rows × outputDim}, row-major
 * @param queryRows query rows of weights present ({@code length} or 1); 0 when weights are off
 * @param weights {@code layers × heads × queryRows × length}, row-major (the emitted layers, in
 *     order), or null when weights are off
 */
public record WindowInference(int rows, float[] output, int queryRows, float[] weights) {

    /** True when every output and weight value is a finite number. */
    public boolean isFinite() {
        return allFinite(output) && (weights == null || allFinite(weights));
    }

    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
