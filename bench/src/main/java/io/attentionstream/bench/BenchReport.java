package io.attentionstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A finished benchmark: machine, settings, every path's results, the ratios the issue asks for
 * and the targets they are held against. Writes {@code results.json}.
 */
public final class BenchReport {
    /** Targets of the issue, each a ratio at the reference n (or, for latency, a ceiling). */
    static final double OPERATOR_OVER_BARE_TARGET = 0.9;

    static final double PIPELINE_OVER_BARE_TARGET = 0.5;
    static final double BATCHED_OVER_NAIVE_TARGET = 1.5;
    static final double HALF_LOAD_P99_MS_TARGET = 50;
    /** Issue targets of events/s in incremental mode over full mode (stride 1, last row): 20 at n=64, 100 at n=512. */
    static double incrementalTarget(int n) {
        return n >= 512 ? 100 : n >= 64 ? 20 : Double.NaN;
    }

    /** The window size the ratios are quoted at. */
    static final int REFERENCE_N = 64;

    private final Machine machine;
    private final BenchSettings settings;
    private final List<PathResult> results;

    BenchReport(Machine machine, BenchSettings settings, List<PathResult> results) {
        this.machine = machine;
        this.settings = settings;
        this.results = List.copyOf(results);
    }

    public List<PathResult> results() {
        return results;
    }

    /** The n the top-level ratios are given at: 64 when measured, else the first size. */
    int referenceN() {
        return settings.windowSizes().contains(REFERENCE_N)
                ? REFERENCE_N
                : settings.windowSizes().get(0);
    }

    Optional<PathResult> find(String name, int n) {
        return results.stream().filter(r -> r.name().equals(name) && r.n() == n).findFirst();
    }

    /** a's windows/s over b's, NaN when either is missing. */
    double ratio(String a, String b, int n) {
        Optional<PathResult> ra = find(a, n);
        Optional<PathResult> rb = find(b, n);
        return ra.isPresent() && rb.isPresent()
                ? ra.get().windowsPerSecond() / rb.get().windowsPerSecond()
                : Double.NaN;
    }

    Map<String, Object> ratiosAt(int n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", n);
        m.put("operator_over_bare", ratio("operator", "ort-bare", n));
        m.put("pipeline_over_bare", ratio("pipeline", "ort-bare", n));
        m.put("batched_over_naive", ratio("operator", "naive", n));
        m.put("bare_over_naive", ratio("ort-bare", "naive", n));
        m.put("incremental_over_full", ratio("incremental", "operator", n));
        m.put("by_cpu", cpuRatiosAt(n));
        return m;
    }

    /**
     * The same ratios from CPU time per window instead of wall-clock rates (b's CPU per window over
     * a's): less disturbed by other load on the machine, but blind to how many cores a path uses.
     */
    Map<String, Object> cpuRatiosAt(int n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("operator_over_bare", cpuRatio("operator", "ort-bare", n));
        m.put("pipeline_over_bare", cpuRatio("pipeline", "ort-bare", n));
        m.put("batched_over_naive", cpuRatio("operator", "naive", n));
        return m;
    }

    /** b's CPU seconds per window over a's, NaN when either is missing. */
    double cpuRatio(String a, String b, int n) {
        Optional<PathResult> ra = find(a, n);
        Optional<PathResult> rb = find(b, n);
        return ra.isPresent() && rb.isPresent()
                ? rb.get().cpuSecondsPer1000Windows() / ra.get().cpuSecondsPer1000Windows()
                : Double.NaN;
    }

    /** The {@code minilm} row of that precision, n, B and attention setting, if measured. */
    Optional<PathResult> findMiniLm(
            MiniLmPath.Precision precision, int n, int batchSize, MiniLmPath.Attention attention) {
        return results.stream()
                .filter(r -> r.name().equals(BenchPath.MINILM.cliName())
                        && r.n() == n
                        && precision.cliName.equals(r.settings().get("precision"))
                        && Integer.valueOf(batchSize).equals(r.settings().get("batch_size"))
                        && attention.cliName.equals(r.settings().get("attention")))
                .findFirst();
    }

    private static double rateRatio(Optional<PathResult> a, Optional<PathResult> b) {
        return a.isPresent() && b.isPresent()
                ? a.get().windowsPerSecond() / b.get().windowsPerSecond()
                : Double.NaN;
    }

    /** b's CPU seconds per window over a's, NaN when either is missing. */
    private static double cpuRatio(Optional<PathResult> a, Optional<PathResult> b) {
        return a.isPresent() && b.isPresent()
                ? b.get().cpuSecondsPer1000Windows() / a.get().cpuSecondsPer1000Windows()
                : Double.NaN;
    }

    /**
     * The cost of exposing attention at the largest minilm n and B = --batch-size (fp32): the
     * windows/s of the job's setting (exposed, last-row weights of every layer) and of attention
     * exposed but not read, each over the windows/s with attention not exposed and weights off.
     */
    Map<String, Object> miniLmExposureCost() {
        int n = MiniLmPath.exposureCostN(settings.minilmWindowSizes());
        int b = settings.batchSize();
        Optional<PathResult> none = findMiniLm(MiniLmPath.Precision.FP32, n, b, MiniLmPath.Attention.NONE);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", n);
        m.put("batch_size", b);
        m.put(
                "exposed_over_none",
                rateRatio(findMiniLm(MiniLmPath.Precision.FP32, n, b, MiniLmPath.Attention.EXPOSED), none));
        m.put(
                "exposed_unread_over_none",
                rateRatio(findMiniLm(MiniLmPath.Precision.FP32, n, b, MiniLmPath.Attention.EXPOSED_UNREAD), none));
        // From CPU time per window (none's over the other's): less disturbed by other load on the machine.
        Map<String, Object> byCpu = new LinkedHashMap<>();
        byCpu.put(
                "exposed_over_none",
                cpuRatio(findMiniLm(MiniLmPath.Precision.FP32, n, b, MiniLmPath.Attention.EXPOSED), none));
        byCpu.put(
                "exposed_unread_over_none",
                cpuRatio(findMiniLm(MiniLmPath.Precision.FP32, n, b, MiniLmPath.Attention.EXPOSED_UNREAD), none));
        m.put("by_cpu", byCpu);
        return m;
    }

    /** int8 windows/s over fp32 windows/s at each minilm n and B (attention exposed, the job's setting). */
    List<Object> miniLmInt8OverFp32() {
        List<Object> list = new ArrayList<>();
        for (MiniLmPath.Row row : MiniLmPath.rows(settings.minilmWindowSizes(), settings.batchSize())) {
            if (row.precision() == MiniLmPath.Precision.FP32 && row.attention() == MiniLmPath.Attention.EXPOSED) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("n", row.n());
                m.put("batch_size", row.batchSize());
                m.put(
                        "int8_over_fp32",
                        rateRatio(
                                findMiniLm(
                                        MiniLmPath.Precision.INT8,
                                        row.n(),
                                        row.batchSize(),
                                        MiniLmPath.Attention.EXPOSED),
                                findMiniLm(
                                        MiniLmPath.Precision.FP32,
                                        row.n(),
                                        row.batchSize(),
                                        MiniLmPath.Attention.EXPOSED)));
                list.add(m);
            }
        }
        return list;
    }

    private Map<String, Object> targets() {
        int n = referenceN();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", n);
        m.put("operator_over_bare", target(ratio("operator", "ort-bare", n), OPERATOR_OVER_BARE_TARGET, true));
        m.put("pipeline_over_bare", target(ratio("pipeline", "ort-bare", n), PIPELINE_OVER_BARE_TARGET, true));
        m.put("batched_over_naive", target(ratio("operator", "naive", n), BATCHED_OVER_NAIVE_TARGET, true));
        m.put(
                "pipeline_half_load_p99_ms",
                target(
                        find("pipeline-half-load", n).map(PathResult::p99Ms).orElse(Double.NaN),
                        HALF_LOAD_P99_MS_TARGET,
                        false));
        for (int size : settings.incrementalWindowSizes()) {
            m.put(
                    "incremental_over_full_n" + size,
                    target(ratio("incremental", "operator", size), incrementalTarget(size), true));
        }
        return m;
    }

    private static Map<String, Object> target(double value, double target, boolean atLeast) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", value);
        m.put(atLeast ? "at_least" : "at_most", target);
        m.put("met", Double.isFinite(value) ? (atLeast ? value >= target : value <= target) : null);
        return m;
    }

    Map<String, Object> toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("machine", machine.toJson());
        root.put("settings", settings.toJson());
        root.put(
                "flops_formula",
                "per window: QKV projections 3·2·n·d² + scores 2·n²·d + weighted values 2·n²·d"
                        + " + output projection 2·n·d² = 8·n·d² + 4·n²·d; peak_flops_fraction = windows/s × that ÷ peak FLOP/s");
        Map<String, Object> ratios = ratiosAt(referenceN());
        List<Object> perN = new ArrayList<>();
        java.util.Set<Integer> sizes = new java.util.TreeSet<>(settings.windowSizes());
        sizes.addAll(settings.incrementalWindowSizes());
        for (int n : sizes) {
            perN.add(ratiosAt(n));
        }
        ratios.put("per_n", perN);
        if (settings.runs(BenchPath.MINILM)) {
            Map<String, Object> minilm = new LinkedHashMap<>();
            minilm.put("exposure_cost", miniLmExposureCost());
            minilm.put("int8_over_fp32", miniLmInt8OverFp32());
            ratios.put("minilm", minilm);
            root.put(
                    "minilm_flops_formula",
                    "per window: layers · (24·n·d² + 4·n²·d), FFN 4·d wide (all-MiniLM-L6-v2: 6 layers, d = 384, FFN 1536):"
                            + " per layer QKV 6·n·d² + output projection 2·n·d² + FFN 16·n·d² + scores and weighted values"
                            + " 4·n²·d; peak_flops_fraction = windows/s × that ÷ the FP32 peak of the cores the intra-op"
                            + " threads use (an upper-bound estimate); int8 rows are held against the same FP32 peak,"
                            + " which int8 arithmetic (VNNI) can exceed");
        }
        root.put("ratios", ratios);
        root.put("targets", targets());
        Map<String, Object> paths = new LinkedHashMap<>();
        for (BenchPath p : BenchPath.values()) {
            List<Object> entries = results.stream()
                    .filter(r -> r.name().equals(p.cliName()))
                    .map(r -> (Object) r.toJson())
                    .toList();
            if (!entries.isEmpty()) {
                paths.put(p.cliName(), entries);
            }
        }
        root.put("paths", paths);
        root.put(
                "pipeline_half_load",
                results.stream()
                        .filter(r -> r.name().equals("pipeline-half-load"))
                        .map(r -> (Object) r.toJson())
                        .toList());
        return root;
    }

    /** Writes results.json into the folder; returns its path. */
    Path write(Path folder) throws IOException {
        Files.createDirectories(folder);
        Path file = folder.resolve("results.json");
        ResultsJson.write(file, toJson());
        return file;
    }

    /** The ratios and targets as console lines. */
    String summary() {
        StringBuilder out = new StringBuilder();
        int n = referenceN();
        out.append(String.format(Locale.ROOT, "ratios at n=%d (windows/s):%n", n));
        line(out, "operator_over_bare", ratio("operator", "ort-bare", n), "≥", OPERATOR_OVER_BARE_TARGET);
        line(out, "pipeline_over_bare", ratio("pipeline", "ort-bare", n), "≥", PIPELINE_OVER_BARE_TARGET);
        line(out, "batched_over_naive", ratio("operator", "naive", n), "≥", BATCHED_OVER_NAIVE_TARGET);
        out.append(String.format(
                Locale.ROOT,
                "  (by CPU per window: operator/bare %s, pipeline/bare %s, batched/naive %s)%n",
                twoDecimals(cpuRatio("operator", "ort-bare", n)),
                twoDecimals(cpuRatio("pipeline", "ort-bare", n)),
                twoDecimals(cpuRatio("operator", "naive", n))));
        line(
                out,
                "pipeline p99 at half load (ms)",
                find("pipeline-half-load", n).map(PathResult::p99Ms).orElse(Double.NaN),
                "≤",
                HALF_LOAD_P99_MS_TARGET);
        for (int size : settings.incrementalWindowSizes()) {
            line(
                    out,
                    "incremental_over_full at n=" + size,
                    ratio("incremental", "operator", size),
                    "≥",
                    incrementalTarget(size));
        }
        if (settings.runs(BenchPath.MINILM)) {
            Map<String, Object> cost = miniLmExposureCost();
            Map<?, ?> byCpu = (Map<?, ?>) cost.get("by_cpu");
            out.append(String.format(
                    Locale.ROOT,
                    "minilm at n=%d, B=%d, fp32, over attention not exposed and weights off (windows/s; by CPU per window):%n"
                            + "  exposed, last-row weights of every layer  %s; %s%n"
                            + "  exposed, not read                         %s; %s%n",
                    cost.get("n"),
                    cost.get("batch_size"),
                    twoDecimals((Double) cost.get("exposed_over_none")),
                    twoDecimals((Double) byCpu.get("exposed_over_none")),
                    twoDecimals((Double) cost.get("exposed_unread_over_none")),
                    twoDecimals((Double) byCpu.get("exposed_unread_over_none"))));
            StringBuilder int8 = new StringBuilder("minilm int8 over fp32 (windows/s):");
            for (Object o : miniLmInt8OverFp32()) {
                Map<?, ?> m = (Map<?, ?>) o;
                int8.append(String.format(
                        Locale.ROOT, " n=%s B=%s %s;", m.get("n"), m.get("batch_size"), twoDecimals((Double)
                                m.get("int8_over_fp32"))));
            }
            out.append(int8).append(System.lineSeparator());
        }
        return out.toString();
    }

    private static String twoDecimals(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "-";
    }

    private static void line(StringBuilder out, String name, double value, String op, double target) {
        String verdict = !Double.isFinite(value)
                ? "not measured"
                : (op.equals("≥") ? value >= target : value <= target) ? "met" : "NOT met";
        out.append(String.format(
                Locale.ROOT,
                "  %-32s %8s   target %s %s: %s%n",
                name,
                twoDecimals(value),
                op,
                ResultsJson.rounded(target).toPlainString(),
                verdict));
    }
}
