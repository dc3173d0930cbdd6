package io.attentionstream.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one path measured at one window size.
 *
 * @param name the path's name, e.g. "ort-bare", or "pipeline-half-load"
 * @param n window size
 * @param d feature width
 * @param heads attention heads of the model run
 * @param windows windows counted in the measured interval
 * @param seconds length of the measured interval
 * @param p50Ms median latency in ms, NaN when not measured
 * @param p99Ms 99th percentile latency in ms, NaN when not measured
 * @param latencyKind what the latency is from and to
 * @param cpuSeconds process CPU time over the measured interval
 * @param flopFraction the attention arithmetic's share of the machine's peak, NaN when it does not apply
 * @param windowsPerRun windows per timed step (ORT paths: B, or 1 for naive), 0 when steps are not timed
 * @param settings the settings of this path (batch size, threads, ...)
 * @param cpuBreakdown CPU seconds of the measured interval by thread group, empty when not taken
 */
public record PathResult(
        String name,
        int n,
        int d,
        int heads,
        long windows,
        double seconds,
        double p50Ms,
        double p99Ms,
        String latencyKind,
        double cpuSeconds,
        double flopFraction,
        int windowsPerRun,
        Map<String, Object> settings,
        Map<String, Object> cpuBreakdown) {

    public PathResult {
        settings = Map.copyOf(settings);
        cpuBreakdown = Collections.unmodifiableMap(new LinkedHashMap<>(cpuBreakdown));
    }

    /** The path's name, and its variant when a path measures several at one n (e.g. "minilm fp32 B=8"). */
    public String label() {
        Object variant = settings.get("variant");
        return variant == null ? name : name + " " + variant;
    }

    public double windowsPerSecond() {
        return seconds > 0 ? windows / seconds : Double.NaN;
    }

    /** Input events per second: each event of a stride-s stream completes 1/s windows. */
    public double eventsPerSecond() {
        return windowsPerSecond() * BenchSettings.STRIDE;
    }

    /**
     * Windows/s at the median run() time: what the path reaches while it has a core to itself, so
     * a figure that a busy machine disturbs less than {@link #windowsPerSecond()}. NaN when runs are
     * not timed one by one.
     */
    public double windowsPerSecondAtMedianRun() {
        return windowsPerRun > 0 && p50Ms > 0 ? windowsPerRun * 1000.0 / p50Ms : Double.NaN;
    }

    public double cpuSecondsPer1000Windows() {
        return windows > 0 ? cpuSeconds * 1000.0 / windows : Double.NaN;
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", name);
        m.put("n", n);
        m.put("d", d);
        m.put("heads", heads);
        m.put("windows_per_s", windowsPerSecond());
        m.put("events_per_s", eventsPerSecond());
        if (windowsPerRun > 0) {
            m.put("windows_per_s_at_median_run", windowsPerSecondAtMedianRun());
        }
        m.put("p50_ms", p50Ms);
        m.put("p99_ms", p99Ms);
        m.put("latency", latencyKind);
        m.put("cpu_s_per_1000_windows", cpuSecondsPer1000Windows());
        m.put("peak_flops_fraction", flopFraction);
        m.put("windows", windows);
        m.put("measured_s", seconds);
        m.put("cpu_s", cpuSeconds);
        m.put("settings", new TreeMap<>(settings));
        if (!cpuBreakdown.isEmpty()) {
            m.put("cpu_s_by_thread_group", cpuBreakdown);
        }
        return m;
    }
}
