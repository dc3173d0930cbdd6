package io.attentionstream.operators.batch;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The model-run metrics of one subtask, named alike in both modes so dashboards work for both:
 * items per run ({@code batchSize}), {@code inferenceLatencyMicros}, {@code paddingRatio}, and
 * {@code attentionEntropy}, the mean entropy of sampled attention rows, a drift signal users can
 * alert on (attention that collapses onto one position, or spreads evenly, moves it).
 */
final class InferenceMetrics {
    private static final int HISTOGRAM_WINDOW = 1024;
    /**
     * The entropy gauge follows one run in this many: a logarithm per weight costs a noticeable
     * share of a run, and a drift signal needs only a sample.
     */
    static final int ENTROPY_SAMPLE_EVERY = 16;

    private final Histogram batchSize;
    private final Histogram inferenceMicros;
    private volatile double paddingRatio;
    private volatile double meanAttentionEntropy = Double.NaN;
    private long runs;

    InferenceMetrics(MetricGroup group) {
        this.batchSize = group.histogram("batchSize", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        this.inferenceMicros =
                group.histogram("inferenceLatencyMicros", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        group.gauge("paddingRatio", (Gauge<Double>) () -> paddingRatio);
        group.gauge("attentionEntropy", (Gauge<Double>) () -> meanAttentionEntropy);
    }

    /** Records a run; true when its attention entropy is to be sampled. */
    boolean ran(int items, long micros, double padding) {
        batchSize.update(items);
        inferenceMicros.update(micros);
        paddingRatio = padding;
        return runs++ % ENTROPY_SAMPLE_EVERY == 0;
    }

    /** The sampled run's mean row entropy; NaN (no weights) keeps the last value. */
    void entropy(double mean) {
        if (!Double.isNaN(mean)) {
            meanAttentionEntropy = mean;
        }
    }
}
