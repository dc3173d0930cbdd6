package io.attentionstream.bench;

import java.util.List;
import java.util.Locale;

/** The console table of a benchmark's results. */
final class ResultTable {
    private static final String ROW = "%-30s %5s %11s %13s %11s %9s %9s %13s %9s%n";

    private ResultTable() {}

    static String format(List<PathResult> results) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                ROW,
                "path",
                "n",
                "windows/s",
                "(median run)",
                "events/s",
                "p50 ms",
                "p99 ms",
                "CPU s/1k win",
                "% peak"));
        for (PathResult r : results) {
            out.append(String.format(
                    Locale.ROOT,
                    ROW,
                    r.label(),
                    r.n(),
                    fixed(r.windowsPerSecond(), 0),
                    fixed(r.windowsPerSecondAtMedianRun(), 0),
                    fixed(r.eventsPerSecond(), 0),
                    fixed(r.p50Ms(), 2),
                    fixed(r.p99Ms(), 2),
                    fixed(r.cpuSecondsPer1000Windows(), 3),
                    fixed(100 * r.flopFraction(), 2)));
        }
        return out.toString();
    }

    private static String fixed(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "-";
    }
}
