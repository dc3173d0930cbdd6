package io.attentionstream.core.model;

/**
 * The mean Shannon entropy (nats) of attention rows: a drift signal. It falls when attention
 * collapses onto few positions and rises towards {@code ln(length)} when it spreads evenly.
 */
public final class AttentionEntropy {
    private double sum;
    private long rows;

    /** Adds every row of {@code weights}: consecutive runs of {@code length} probabilities; null adds none. */
    public void add(float[] weights, int length) {
        if (weights == null || length < 1) {
            return;
        }
        for (int start = 0; start + length <= weights.length; start += length) {
            double h = 0;
            for (int k = start; k < start + length; k++) {
                if (weights[k] > 0) {
                    h -= weights[k] * Math.log(weights[k]);
                }
            }
            sum += h;
            rows++;
        }
    }

    /** The mean over the rows added; NaN when none were. */
    public double mean() {
        return rows == 0 ? Double.NaN : sum / rows;
    }
}
