package io.attentionstream.bench;

import io.attentionstream.core.model.ModelSignature;
import io.attentionstream.core.model.WeightsMode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;

/**
 * The paths measured with JMH ({@code ort-floor}, {@code ort-bare}, {@code naive}, {@code operator},
 * {@code incremental}, the incremental model alone and {@code minilm}), each turned into a {@link PathResult}.
 */
final class JmhPaths {
    private final BenchSettings s;
    private final Machine machine;
    private final JmhRuns jmh;

    JmhPaths(BenchSettings settings, Machine machine) {
        this.s = settings;
        this.machine = machine;
        this.jmh = new JmhRuns(settings);
    }

    /** {@code ort-bare} or {@code ort-floor}: {@link ModelRunBenchmark} on {@code model}. */
    PathResult modelRun(BenchPath path, Path model, int heads, int n) throws Exception {
        RunResult r = jmh.run(
                ModelRunBenchmark.class,
                "run",
                JmhRuns.params(
                        "model",
                        model,
                        "n",
                        n,
                        "dim",
                        s.dim(),
                        "batchSize",
                        s.batchSize(),
                        "threads",
                        s.threads(),
                        "weights",
                        s.weights().cliName(),
                        "outputRows",
                        s.outputRows().cliName()),
                path.cliName() + "-n" + n);
        Map<String, Object> settings = modelSettings(model, s.batchSize());
        // floor.onnx does no attention: a share of the peak would mean nothing.
        return sampled(
                path.cliName(),
                n,
                heads,
                r,
                s.batchSize(),
                "one run() of a batch of " + s.batchSize() + " windows",
                settings,
                path != BenchPath.ORT_FLOOR);
    }

    /** {@code naive}: {@link NaiveBenchmark}. */
    PathResult naive(int heads, int n) throws Exception {
        RunResult r = jmh.run(
                NaiveBenchmark.class,
                "run",
                JmhRuns.params(
                        "model",
                        s.model(),
                        "n",
                        n,
                        "dim",
                        s.dim(),
                        "threads",
                        s.threads(),
                        "weights",
                        s.weights().cliName(),
                        "outputRows",
                        s.outputRows().cliName()),
                "naive-n" + n);
        Map<String, Object> settings = modelSettings(s.model(), 1);
        settings.put("implementation", "nested float[][][] arrays, new tensors per run(), getValue()");
        return sampled(BenchPath.NAIVE.cliName(), n, heads, r, 1, "one run() of one window", settings, true);
    }

    /** The incremental model alone on resident caches: events/s, the ceiling of the {@code incremental} path. */
    double incrementalModelEventsPerSecond(int n) throws Exception {
        RunResult r = jmh.run(
                IncrementalModelBenchmark.class,
                "run",
                JmhRuns.params(
                        "model",
                        s.incrementalModel(),
                        "n",
                        n,
                        "keys",
                        s.keys(),
                        "batchSize",
                        s.incrementalBatchSize(),
                        "threads",
                        s.threads()),
                "incremental-model-n" + n);
        return Math.min(s.keys(), s.incrementalBatchSize())
                * 1e6
                / r.getPrimaryResult().getStatistics().getMean();
    }

    /** {@code operator} (full windows) or {@code incremental}: {@link OperatorBenchmark}. */
    PathResult operator(BenchPath path, int heads, int n, Map<String, Object> extraSettings) throws Exception {
        boolean incremental = path == BenchPath.INCREMENTAL;
        Path model = incremental ? s.incrementalModel() : s.model();
        int batch = incremental ? s.incrementalBatchSize() : s.batchSize();
        RunResult r = jmh.run(
                OperatorBenchmark.class,
                "outputs",
                JmhRuns.params(
                        "model",
                        model,
                        "mode",
                        incremental ? "incremental" : "full",
                        "n",
                        n,
                        "dim",
                        s.dim(),
                        "batchSize",
                        batch,
                        "threads",
                        s.threads(),
                        "weights",
                        s.weights().cliName(),
                        "outputRows",
                        s.outputRows().cliName(),
                        "keys",
                        s.keys(),
                        "parallelism",
                        s.parallelism(),
                        "batchTimeoutMs",
                        s.batchTimeoutMs()),
                path.cliName() + "-n" + n,
                operatorWarmupIterations());
        double rate = r.getPrimaryResult().getScore();
        long windows = Math.round(JmhRuns.counter(r, "windows"));
        Map<String, Object> settings = modelSettings(model, batch);
        settings.put("batch_timeout_ms", s.batchTimeoutMs());
        settings.put("parallelism", s.parallelism());
        settings.put("keys", s.keys());
        settings.put("checkpointing", "off");
        settings.put("mode", incremental ? "incremental" : "full");
        settings.put("input", "generated without end, paced by backpressure");
        settings.putAll(jmhSettings());
        settings.put("jmh_warmup_iterations_s", operatorWarmupIterations());
        settings.putAll(extraSettings);
        double flops = incremental
                ? rate * AttentionFlops.perIncrementalEvent(n, s.dim()) / machine.peakFlops()
                : AttentionFlops.fractionOfPeak(rate, n, s.dim(), machine.peakFlops());
        return new PathResult(
                path.cliName(),
                n,
                s.dim(),
                heads,
                windows,
                windows / rate,
                Double.NaN,
                Double.NaN,
                "not measured: at saturation it would be queueing in Flink's buffers",
                JmhRuns.counter(r, "cpuNanos") / 1e9,
                flops,
                0,
                settings,
                Map.of());
    }

    /**
     * One row of {@code minilm}: {@link EncoderRunBenchmark} on all-MiniLM-L6-v2 at the row's
     * precision, window size, B and attention setting. {@code signature} is the model's at that
     * precision; its share of the peak is of the cores its intra-op threads can use.
     */
    PathResult minilm(MiniLmPath.Row row, ModelSignature signature) throws Exception {
        Path model = row.precision() == MiniLmPath.Precision.INT8 ? s.minilmQuantizedModel() : s.minilmModel();
        RunResult r = jmh.run(
                EncoderRunBenchmark.class,
                "run",
                JmhRuns.params(
                        "model",
                        model,
                        "n",
                        row.n(),
                        "batchSize",
                        row.batchSize(),
                        "threads",
                        s.threads(),
                        "attention",
                        row.attention().cliName,
                        "outputRows",
                        MiniLmPath.OUTPUT_ROWS.cliName()),
                row.label());
        int n = row.n();
        int d = signature.outputDim();
        int layers = signature.layers();
        double peak = machine.peakFlopsOfThreads(s.threads());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("variant", row.variant());
        settings.put("model", model.getFileName().toString());
        settings.put("precision", row.precision().cliName);
        settings.put("batch_size", row.batchSize());
        // A dynamically quantized graph runs one unpadded window per ONNX Runtime run().
        settings.put("ort_runs_per_call", signature.batchIndependent() ? 1 : row.batchSize());
        settings.put("intra_op_threads", s.threads());
        settings.put("attention", row.attention().cliName);
        settings.put("attention_exposed", row.attention().wanted);
        settings.put("weights", row.attention().weights.cliName());
        settings.put("weights_layers", row.attention().weights == WeightsMode.OFF ? "none" : "all (" + layers + ")");
        settings.put("output_rows", MiniLmPath.OUTPUT_ROWS.cliName());
        settings.put(
                "tokens",
                "full windows of ids drawn uniformly from [" + MiniLmPath.TOKEN_ID_MIN + ", " + MiniLmPath.TOKEN_ID_END
                        + ")");
        settings.put("layers", layers);
        settings.put("flops_per_window", AttentionFlops.perEncoderWindow(n, d, layers));
        settings.put("peak_gflops_used", peak / 1e9);
        settings.put("peak_cores", Math.min(s.threads(), machine.cores()));
        Statistics runs = r.getPrimaryResult().getStatistics();
        double rate = row.batchSize() * 1e6 / runs.getMean();
        long windows = Math.round(JmhRuns.counter(r, "windows"));
        settings.putAll(jmhSettings());
        settings.put("run_samples", runs.getN());
        return new PathResult(
                BenchPath.MINILM.cliName(),
                n,
                d,
                signature.heads(),
                windows,
                windows / rate,
                runs.getPercentile(50) / 1000,
                runs.getPercentile(99) / 1000,
                "one AttentionModel.run call on " + row.batchSize() + " windows ("
                        + (signature.batchIndependent()
                                ? "one ONNX Runtime run"
                                : row.batchSize() + " ONNX Runtime runs of one window")
                        + ")",
                JmhRuns.counter(r, "cpuNanos") / 1e9,
                rate * AttentionFlops.perEncoderWindow(n, d, layers) / peak,
                row.batchSize(),
                settings,
                Map.of());
    }

    /** A SampleTime result (µs per run()) as a path's result: windows/s from the mean, p50 and p99 of the samples. */
    private PathResult sampled(
            String name,
            int n,
            int heads,
            RunResult r,
            int windowsPerRun,
            String latencyKind,
            Map<String, Object> settings,
            boolean attention) {
        Statistics runs = r.getPrimaryResult().getStatistics();
        double rate = windowsPerRun * 1e6 / runs.getMean();
        long windows = Math.round(JmhRuns.counter(r, "windows"));
        settings.putAll(jmhSettings());
        settings.put("run_samples", runs.getN());
        return new PathResult(
                name,
                n,
                s.dim(),
                heads,
                windows,
                windows / rate,
                runs.getPercentile(50) / 1000,
                runs.getPercentile(99) / 1000,
                latencyKind,
                JmhRuns.counter(r, "cpuNanos") / 1e9,
                attention ? AttentionFlops.fractionOfPeak(rate, n, s.dim(), machine.peakFlops()) : Double.NaN,
                windowsPerRun,
                settings,
                Map.of());
    }

    /**
     * Warm-up iterations the operator paths take beyond {@code --warmup-s}: the first one mostly
     * starts the MiniCluster and the job, and in a fresh fork Flink's code keeps the JIT compilers
     * busy longer than a run() loop does (the incremental path reached its rate after about 4 s).
     */
    static final int OPERATOR_EXTRA_WARMUP_S = 4;

    int operatorWarmupIterations() {
        return s.warmupS() + OPERATOR_EXTRA_WARMUP_S;
    }

    private Map<String, Object> modelSettings(Path model, int batch) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model.getFileName().toString());
        m.put("batch_size", batch);
        m.put("intra_op_threads", s.threads());
        m.put("weights", s.weights().cliName());
        m.put("output_rows", s.outputRows().cliName());
        return m;
    }

    private Map<String, Object> jmhSettings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jmh_forks", jmh.forks());
        m.put("jmh_warmup_iterations_s", s.warmupS());
        m.put("jmh_measurement_iterations_s", jmh.measurementIterations());
        return m;
    }
}
