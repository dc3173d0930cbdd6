package io.attentionstream.operators.incremental;

import io.attentionstream.core.incremental.IncrementalInference;
import io.attentionstream.core.incremental.StepResult;

import io.attentionstream.avro.RejectReason;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The metrics of one {@link IncrementalAttention} subtask, named as in window mode so dashboards
 * work for both: windows emitted (one per accepted event), flushes, rejections by reason, steps per
 * model run, inference latency, padding, and the mean entropy of attention rows (a drift signal).
 */
final class IncrementalMetrics {
    private static final int HISTOGRAM_WINDOW = 1024;

    private final Counter windowsEmitted;
    private final Counter flushes;
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
    private final Histogram batchSize;
    private final Histogram inferenceMicros;
    private volatile double paddingRatio;
    private long runs;
    private volatile double meanAttentionEntropy = Double.NaN;

    IncrementalMetrics(MetricGroup group, Set<RejectReason> reasons) {
        this.windowsEmitted = group.counter("windowsEmitted");
        this.flushes = group.counter("flushes");
        // Registered up front so dashboards show 0 rather than nothing.
        MetricGroup rejectedGroup = group.addGroup("rejected");
        for (RejectReason reason : reasons) {
            rejected.put(reason, rejectedGroup.counter(reason.name()));
        }
        this.batchSize = group.histogram("batchSize", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        this.inferenceMicros = group.histogram("inferenceLatencyMicros", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        group.gauge("paddingRatio", (Gauge<Double>) () -> paddingRatio);
        group.gauge("attentionEntropy", (Gauge<Double>) () -> meanAttentionEntropy);
    }

    void ran(int steps, long micros, IncrementalInference inference) {
        batchSize.update(steps);
        inferenceMicros.update(micros);
        paddingRatio = inference.paddingRatio();
        // The entropy gauge samples the first step of one run in 16: a step costs only O(n·d), so
        // the logarithms of every row of every run would cost as much as the model.
        if (runs++ % 16 == 0 && !inference.results().isEmpty()) {
            double entropy = meanRowEntropy(inference.results().subList(0, 1));
            if (!Double.isNaN(entropy)) {
                meanAttentionEntropy = entropy;
            }
        }
    }

    void emitted() {
        windowsEmitted.inc();
    }

    void flushed() {
        flushes.inc();
    }

    void rejected(RejectReason reason) {
        rejected.get(reason).inc();
    }

    /** Mean Shannon entropy (nats) over every head's attention row of a run. */
    static double meanRowEntropy(List<StepResult> results) {
        double sum = 0;
        long rows = 0;
        for (StepResult r : results) {
            float[] w = r.weights();
            for (int start = 0; start + r.length() <= w.length; start += r.length()) {
                double h = 0;
                for (int k = start; k < start + r.length(); k++) {
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
