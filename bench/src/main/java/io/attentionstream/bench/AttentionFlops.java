package io.attentionstream.bench;

/**
 * The arithmetic of one self-attention window, counted as multiply-adds × 2:
 * <ul>
 *   <li>Q, K and V projections: {@code 3 · 2·n·d²}
 *   <li>scores {@code Q·Kᵀ}: {@code 2·n²·d}
 *   <li>weighted values {@code softmax(·)·V}: {@code 2·n²·d}
 *   <li>output projection: {@code 2·n·d²}
 * </ul>
 * In all {@code 8·n·d² + 4·n²·d} FLOPs per window, whatever the number of heads (heads split
 * {@code d}, they do not add work). Softmax, masking and biases are left out: they are O(n²) and
 * O(n·d), not matrix products.
 */
public final class AttentionFlops {
    private AttentionFlops() {}

    /** FLOPs of one window of {@code n} positions of width {@code d}. */
    public static double perWindow(int n, int d) {
        if (n < 1 || d < 1) {
            throw new IllegalArgumentException("n and d must be positive, got n=" + n + ", d=" + d + ".");
        }
        double nn = n;
        double dd = d;
        return 8 * nn * dd * dd + 4 * nn * nn * dd;
    }

    /**
     * FLOPs of one event in incremental mode: its own Q, K, V projections 3·2·d², its scores and
     * weighted values over the window 2·n·d + 2·n·d, its output projection 2·d²: 8·d² + 4·n·d.
     */
    public static double perIncrementalEvent(int n, int d) {
        if (n < 1 || d < 1) {
            throw new IllegalArgumentException("n and d must be positive, got n=" + n + ", d=" + d + ".");
        }
        return 8.0 * d * d + 4.0 * n * d;
    }

    /**
     * FLOPs of one window of {@code n} positions through a transformer encoder of {@code layers}
     * layers of width {@code d} whose feed-forward block is {@code 4·d} wide (BERT and MiniLM):
     * per layer the attention block's {@code 8·n·d² + 4·n²·d} (see above) plus the feed-forward
     * block's two products {@code 2·n·d·4d + 2·n·4d·d = 16·n·d²}, so {@code layers · (24·n·d² +
     * 4·n²·d)}. Embeddings, layer norms, GELU, softmax and biases are left out.
     */
    public static double perEncoderWindow(int n, int d, int layers) {
        if (layers < 1) {
            throw new IllegalArgumentException("An encoder has at least one layer, got " + layers + ".");
        }
        perWindow(n, d); // checks n and d
        double nn = n;
        double dd = d;
        return layers * (24 * nn * dd * dd + 4 * nn * nn * dd);
    }

    /** The fraction of {@code peakFlops} that {@code windowsPerSecond} windows of (n, d) reach. */
    public static double fractionOfPeak(double windowsPerSecond, int n, int d, double peakFlops) {
        if (peakFlops <= 0) {
            throw new IllegalArgumentException("The peak must be positive, got " + peakFlops + ".");
        }
        return windowsPerSecond * perWindow(n, d) / peakFlops;
    }
}
