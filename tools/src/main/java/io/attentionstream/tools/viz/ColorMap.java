package io.attentionstream.tools.viz;

/**
 * Viridis, from eleven anchor colours linearly interpolated: perceptually ordered (lightness rises
 * monotonically, so brighter always means a larger weight) and readable by colour-blind viewers,
 * unlike a rainbow map whose bright yellow sits in the middle of the scale.
 */
public final class ColorMap {
    /** Matplotlib's viridis sampled at 0, 0.1, …, 1. */
    private static final int[] ANCHORS = {
        0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c, 0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725,
    };

    /** For values that are not numbers: a neutral grey no value of the scale maps to. */
    public static final int MISSING = 0x9e9e9e;

    private ColorMap() {}

    /** The RGB colour of {@code t}, clamped to [0, 1]; NaN gives {@link #MISSING}. */
    public static int rgb(double t) {
        if (Double.isNaN(t)) {
            return MISSING;
        }
        double x = Math.max(0, Math.min(1, t)) * (ANCHORS.length - 1);
        int i = Math.min((int) x, ANCHORS.length - 2);
        double f = x - i;
        return mix(ANCHORS[i], ANCHORS[i + 1], f);
    }

    private static int mix(int a, int b, double f) {
        int r = channel(a >> 16, b >> 16, f);
        int g = channel(a >> 8, b >> 8, f);
        int bl = channel(a, b, f);
        return (r << 16) | (g << 8) | bl;
    }

    private static int channel(int a, int b, double f) {
        int ca = a & 0xff;
        int cb = b & 0xff;
        return (int) Math.round(ca + (cb - ca) * f);
    }
}
