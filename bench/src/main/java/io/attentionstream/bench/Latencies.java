package io.attentionstream.bench;

import java.util.Arrays;

/**
 * Latency samples in nanoseconds and their percentiles (nearest rank: the smallest sample with at
 * least {@code q} of all samples at or below it). Not thread-safe.
 */
public final class Latencies {
    private long[] samples = new long[1024];
    private int count;

    public void add(long nanos) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, samples.length * 2);
        }
        samples[count++] = nanos;
    }

    public int count() {
        return count;
    }

    /** The {@code q} quantile (0 < q ≤ 1) in nanoseconds, or NaN when there are no samples. */
    public double percentileNanos(double q) {
        return percentile(Arrays.copyOf(samples, count), q);
    }

    /** The {@code q} quantile in milliseconds, or NaN when there are no samples. */
    public double percentileMillis(double q) {
        return percentileNanos(q) / 1e6;
    }

    /** Nearest-rank percentile of {@code values} (sorted in place). */
    static double percentile(long[] values, double q) {
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("A quantile is in (0, 1], got " + q + ".");
        }
        if (values.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(values);
        int rank = (int) Math.ceil(q * values.length);
        return values[Math.max(rank, 1) - 1];
    }
}
