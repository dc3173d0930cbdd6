package io.attentionstream.operators.batch;

import io.attentionstream.core.model.BatchInference;
import io.attentionstream.core.model.WindowInference;
import io.attentionstream.core.window.Window;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The inference metrics of one subtask: windows emitted, batch sizes, inference latency, padding,
 * failures, and the mean entropy of attention rows (one batch in 16) — a drift signal users can alert on (attention
 * that collapses onto one position, or spreads evenly, moves it).
 */
final class AttentionMetrics {
    private static final int HISTOGRAM_WINDOW = 1024;
    /** The entropy gauge follows one batch in this many. */
    static final int ENTROPY_SAMPLE_EVERY = 16;

    private final Counter windowsEmitted;
    private final Counter inferenceFailed;
    private final Histogram batchSize;
    private final Histogram inferenceMicros;
    private volatile double paddingRatio;
    private volatile double meanAttentionEntropy = Double.NaN;
    private long batches;

    AttentionMetrics(MetricGroup group) {
        this.windowsEmitted = group.counter("windowsEmitted");
        this.inferenceFailed = group.addGroup("rejected").counter("INFERENCE_FAILED");
        this.batchSize = group.histogram("batchSize", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        this.inferenceMicros = group.histogram("inferenceLatencyMicros", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        group.gauge("paddingRatio", (Gauge<Double>) () -> paddingRatio);
        group.gauge("attentionEntropy", (Gauge<Double>) () -> meanAttentionEntropy);
    }

    void batchRan(List<Window> windows, long micros, BatchInference inference) {
        batchSize.update(windows.size());
        inferenceMicros.update(micros);
        paddingRatio = inference.paddingRatio();
        // A logarithm per weight costs a noticeable share of a batch; a drift signal needs a sample.
        if (batches++ % ENTROPY_SAMPLE_EVERY == 0) {
            double entropy = meanRowEntropy(windows, inference.results());
            if (!Double.isNaN(entropy)) {
                meanAttentionEntropy = entropy;
            }
        }
    }

    void emitted() {
        windowsEmitted.inc();
    }

    void failed() {
        inferenceFailed.inc();
    }

    /** Mean Shannon entropy (nats) over every emitted attention row of a batch; NaN without weights. */
    static double meanRowEntropy(List<Window> windows, List<WindowInference> results) {
        double sum = 0;
        long rows = 0;
        for (int i = 0; i < results.size(); i++) {
            float[] w = results.get(i).weights();
            if (w == null) {
                continue;
            }
            int length = windows.get(i).length;
            for (int start = 0; start + length <= w.length; start += length) {
                double h = 0;
                for (int k = start; k < start + length; k++) {
                    if (w[k] > 0) {
                        h -= w[k] * Math.log(w[k]);
                    }
                }
                sum += h;
                rows++;
            }
        }
        return rows == 0 ? Double.NaN : sum / rows;
    }
}
