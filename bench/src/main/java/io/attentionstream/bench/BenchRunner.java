package io.attentionstream.bench;

import io.attentionstream.core.model.AttentionModel;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.model.ModelLoadException;
import io.attentionstream.core.model.ModelSignature;
import io.attentionstream.tools.local.LocalKafka;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the chosen paths one after another in this JVM, window size by window size (floor, bare,
 * naive, operator: JMH benchmarks in forked JVMs), then the incremental path, then the pipeline
 * against one in-process broker (timed runs in this JVM); prints each result as it
 * comes and returns the report.
 */
public final class BenchRunner {
    /** Seconds of the private bare run that sizes the operator and pipeline inputs when ort-bare is not run. */
    private static final int CALIBRATION_S = 1;

    private final BenchSettings s;
    private final PrintStream out;
    private final Map<Integer, Double> bareRates = new HashMap<>();

    public BenchRunner(BenchSettings settings, PrintStream out) {
        this.s = settings;
        this.out = out;
    }

    public BenchReport run() throws Exception {
        Machine machine = Machine.detect();
        out.printf(
                Locale.ROOT,
                "machine: %d cores, %s, %.2f GHz, %.1f GiB, Java %s%n",
                machine.cores(),
                machine.cpuModel(),
                machine.ghz(),
                machine.memoryBytes() / (double) (1L << 30),
                machine.javaVersion());
        out.println(machine.describePeak());
        int heads = checkModel(s.model()).heads();
        if (s.runs(BenchPath.ORT_FLOOR)) {
            checkModel(s.floorModel());
        }
        out.printf(
                Locale.ROOT,
                "settings: d=%d, B=%d (incremental: %d events), %d intra-op thread(s), stride %d, weights %s, output rows %s, "
                        + "warm-up %d s (pipeline %d s), %d s per path%n",
                s.dim(),
                s.batchSize(),
                s.incrementalBatchSize(),
                s.threads(),
                BenchSettings.STRIDE,
                s.weights().cliName(),
                s.outputRows().cliName(),
                s.warmupS(),
                s.pipelineWarmupS(),
                s.durationS());

        JmhPaths jmh = new JmhPaths(s, machine);
        List<PathResult> results = new ArrayList<>();
        for (int n : s.windowSizes()) {
            if (s.runs(BenchPath.ORT_FLOOR)) {
                results.add(report(jmh.modelRun(BenchPath.ORT_FLOOR, s.floorModel(), heads, n)));
            }
            if (s.runs(BenchPath.ORT_BARE)) {
                PathResult bare = report(jmh.modelRun(BenchPath.ORT_BARE, s.model(), heads, n));
                bareRates.put(n, bare.windowsPerSecond());
                results.add(bare);
            }
            if (s.runs(BenchPath.NAIVE)) {
                results.add(report(jmh.naive(heads, n)));
            }
            if (s.runs(BenchPath.OPERATOR)) {
                results.add(report(jmh.operator(BenchPath.OPERATOR, heads, n, Map.of())));
            }
        }
        if (s.runs(BenchPath.INCREMENTAL)) {
            for (int n : s.incrementalWindowSizes()) {
                if (!s.runs(BenchPath.OPERATOR) || !s.windowSizes().contains(n)) {
                    // incremental_over_full needs the full-window operator at the same n.
                    results.add(report(jmh.operator(BenchPath.OPERATOR, heads, n, Map.of())));
                }
                // Reported too: the ceiling that the operator's own work per event is measured against.
                long alone = Math.round(jmh.incrementalModelEventsPerSecond(n));
                results.add(report(
                        jmh.operator(BenchPath.INCREMENTAL, heads, n, Map.of("model_alone_events_per_s", alone))));
            }
        }
        if (s.runs(BenchPath.MINILM)) {
            ModelSignature fp32 = checkMiniLm(s.minilmModel());
            ModelSignature int8 = checkMiniLm(s.minilmQuantizedModel());
            printMiniLmSettings(fp32, int8, machine);
            for (MiniLmPath.Row row : MiniLmPath.rows(s.minilmWindowSizes(), s.batchSize())) {
                results.add(report(jmh.minilm(row, row.precision() == MiniLmPath.Precision.INT8 ? int8 : fp32)));
            }
        }
        if (s.runs(BenchPath.PIPELINE)) {
            out.println("starting the local Kafka broker for the pipeline path ...");
            try (LocalKafka kafka = LocalKafka.start()) {
                for (int n : s.pipelineWindowSizes()) {
                    PipelineBench.Runs runs =
                            PipelineBench.run(kafka, heads, n, s, machine, bareRate(n, machine, heads));
                    results.add(report(runs.maxRate()));
                    results.add(report(runs.halfLoad()));
                }
            }
        }

        BenchReport report = new BenchReport(machine, s, results);
        Path file = report.write(s.out());
        out.println();
        out.print(ResultTable.format(results));
        out.println();
        out.print(report.summary());
        out.println("results: " + file.toAbsolutePath());
        return report;
    }

    private PathResult report(PathResult r) {
        String latency = Double.isNaN(r.p50Ms())
                ? ""
                : String.format(Locale.ROOT, ", p50 %.2f ms, p99 %.2f ms", r.p50Ms(), r.p99Ms());
        out.printf(
                Locale.ROOT,
                "[%s n=%d] %.0f windows/s%s, %.3f CPU s per 1000 windows%n",
                r.label(),
                r.n(),
                r.windowsPerSecond(),
                latency,
                r.cpuSecondsPer1000Windows());
        if (!r.cpuBreakdown().isEmpty()) {
            StringBuilder line = new StringBuilder("    CPU s by task:");
            r.cpuBreakdown().entrySet().stream()
                    .limit(6)
                    .forEach(e ->
                            line.append(String.format(Locale.ROOT, " %s %.2f;", e.getKey(), (Double) e.getValue())));
            out.println(line);
        }
        if (r.settings().get("model_alone_events_per_s") instanceof Number alone) {
            out.printf(
                    Locale.ROOT,
                    "    the incremental model alone (resident caches, no Flink): %d events/s; this path reaches %.0f %% of it%n",
                    alone.longValue(),
                    100.0 * r.windowsPerSecond() / alone.doubleValue());
        }
        return r;
    }

    /** The bare path's windows/s at n: measured, or from a short private JMH run. */
    private double bareRate(int n, Machine machine, int heads) throws Exception {
        Double rate = bareRates.get(n);
        if (rate == null) {
            BenchSettings calibration = new BenchSettings(
                    List.of(n),
                    List.of(),
                    List.of(),
                    s.dim(),
                    s.batchSize(),
                    s.incrementalBatchSize(),
                    s.threads(),
                    CALIBRATION_S,
                    0,
                    CALIBRATION_S,
                    true,
                    s.paths(),
                    s.model(),
                    s.floorModel(),
                    s.out(),
                    s.weights(),
                    s.outputRows(),
                    s.keys(),
                    s.parallelism(),
                    s.batchTimeoutMs(),
                    s.checkpointIntervalMs(),
                    s.sinks(),
                    s.minilmWindowSizes(),
                    s.minilmModel());
            rate = new JmhPaths(calibration, machine)
                    .modelRun(BenchPath.ORT_BARE, s.model(), heads, n)
                    .windowsPerSecond();
            bareRates.put(n, rate);
        }
        return rate;
    }

    /**
     * Loads all-MiniLM-L6-v2 (one precision) as the job does, so that a missing file or a window
     * size beyond its position table stops before anything runs; returns its signature.
     */
    private ModelSignature checkMiniLm(Path model) {
        if (!java.nio.file.Files.isRegularFile(model)) {
            throw new IllegalArgumentException("The minilm path needs " + model + ", which the build unpacks from"
                    + " Maven Central (mvn -B package -pl bench -am, as bin/attention-stream runs it), or pass"
                    + " --minilm-model.");
        }
        try (AttentionModel m = AttentionModel.load(
                model, ModelConfig.builder().expectedKind(InputKind.TOKENS).build())) {
            ModelSignature signature = m.signature();
            int longest = java.util.Collections.max(s.minilmWindowSizes());
            if (signature.maxPositions() > 0 && longest > signature.maxPositions()) {
                throw new IllegalArgumentException("--minilm-window-sizes " + longest + " is more than the "
                        + signature.maxPositions() + " positions of " + model + ".");
            }
            if (signature.attention() != ModelSignature.AttentionSource.EXPOSED) {
                throw new IllegalArgumentException("The minilm path expects attention exposed from the graph of "
                        + model + ", got: " + signature + ".");
            }
            return signature;
        } catch (ModelLoadException e) {
            throw new IllegalArgumentException("The benchmark cannot use " + model + ": " + e.getMessage(), e);
        }
    }

    private void printMiniLmSettings(ModelSignature fp32, ModelSignature int8, Machine machine) {
        int exposureN = MiniLmPath.exposureCostN(s.minilmWindowSizes());
        int cores = Math.min(s.threads(), machine.cores());
        out.printf(
                Locale.ROOT,
                "minilm: %s (%d layers × %d heads, d=%d), fp32 %s and int8 %s%s; n=%s, B=1 and %d, %d intra-op"
                        + " thread(s); attention of every layer exposed, weights %s (all layers), output rows %s;"
                        + " token ids uniform in [%d, %d), full windows; at n=%d, B=%d, fp32 also with attention"
                        + " exposed but not read (weights off) and not exposed (weights off)%n",
                fp32.name(),
                fp32.layers(),
                fp32.heads(),
                fp32.outputDim(),
                s.minilmModel().getFileName(),
                s.minilmQuantizedModel().getFileName(),
                int8.batchIndependent() ? "" : " (dynamically quantized: one window per ONNX Runtime run)",
                s.minilmWindowSizes().stream()
                        .sorted()
                        .map(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(",")),
                s.batchSize(),
                s.threads(),
                MiniLmPath.WEIGHTS.cliName(),
                MiniLmPath.OUTPUT_ROWS.cliName(),
                MiniLmPath.TOKEN_ID_MIN,
                MiniLmPath.TOKEN_ID_END,
                exposureN,
                s.batchSize());
        out.printf(
                Locale.ROOT,
                "minilm: %% peak = windows/s × %d·(24·n·d² + 4·n²·d) FLOPs ÷ the FP32 peak of %d core(s), %.1f GFLOP/s,"
                        + " an upper-bound estimate of what a core can do; int8 rows are held against the same FP32"
                        + " peak, which int8 arithmetic (VNNI) can exceed%n",
                fp32.layers(),
                cores,
                machine.peakFlopsOfThreads(s.threads()) / 1e9);
    }

    /** Loads the model once to check it fits the settings, so a mismatch stops before anything runs. */
    private ModelSignature checkModel(Path model) {
        try (AttentionModel m = AttentionModel.load(
                model, ModelConfig.builder().expectedKind(InputKind.FEATURES).build())) {
            ModelSignature signature = m.signature();
            if (signature.featureDim() != s.dim()) {
                throw new IllegalArgumentException("--dim " + s.dim() + " does not match the feature dimension "
                        + signature.featureDim() + " of " + model + ": pass --dim " + signature.featureDim() + ".");
            }
            return signature;
        } catch (ModelLoadException e) {
            throw new IllegalArgumentException("The benchmark cannot use " + model + ": " + e.getMessage(), e);
        }
    }
}
