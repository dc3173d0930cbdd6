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
                r.name(),
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
                    s.sinks());
            rate = new JmhPaths(calibration, machine)
                    .modelRun(BenchPath.ORT_BARE, s.model(), heads, n)
                    .windowsPerSecond();
            bareRates.put(n, rate);
        }
        return rate;
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
