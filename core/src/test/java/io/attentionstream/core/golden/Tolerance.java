package io.attentionstream.core.golden;

/** How close our outputs must be to PyTorch's: the tolerance stated in the README. */
public final class Tolerance {
    /** Absolute tolerance for outputs and weights against PyTorch eager outputs. */
    public static final float VS_PYTORCH = 1e-4f;

    private Tolerance() {}

    /** The largest absolute difference, or infinity when the lengths differ or a value is not finite. */
    public static float maxAbsDiff(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            return Float.POSITIVE_INFINITY;
        }
        float max = 0f;
        for (int i = 0; i < actual.length; i++) {
            float diff = Math.abs(actual[i] - expected[i]);
            if (!(diff <= max)) {
                max = Float.isNaN(diff) ? Float.POSITIVE_INFINITY : diff;
            }
        }
        return max;
    }
}
