package io.attentionstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The minilm rows in the report: their ratios, their place in results.json and in the console table. */
class MiniLmReportTest {
    private static final Machine MACHINE =
            Machine.fromCpuInfo("model name\t: AMD EPYC\ncpu MHz\t: 2000.0\nflags\t: sse avx avx2 fma\n", 2, 0, "17");

    /** A minilm row that measured {@code windows} windows in 1 s, with {@code cpuS} CPU seconds. */
    private static PathResult row(MiniLmPath.Row r, long windows, double cpuS) {
        return new PathResult(
                "minilm",
                r.n(),
                384,
                12,
                windows,
                1.0,
                Double.NaN,
                Double.NaN,
                "one call",
                cpuS,
                Double.NaN,
                r.batchSize(),
                Map.of(
                        "variant",
                        r.variant(),
                        "precision",
                        r.precision().cliName,
                        "batch_size",
                        r.batchSize(),
                        "attention",
                        r.attention().cliName),
                Map.of());
    }

    private static BenchReport report() {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs("--paths", "minilm");
        List<PathResult> results = new ArrayList<>();
        for (MiniLmPath.Row r : MiniLmPath.rows(List.of(64, 128), 8)) {
            long windows = switch (r.attention()) {
                case EXPOSED -> r.precision() == MiniLmPath.Precision.INT8 ? 60 : 30;
                case EXPOSED_UNREAD -> 32;
                case NONE -> 33;
            };
            results.add(row(r, windows, windows * 0.02));
        }
        return new BenchReport(MACHINE, command.settings(), results);
    }

    @Test
    void theCostOfExposingAttentionIsExposedOverNoneAtTheLargestNAndB() {
        Map<String, Object> cost = report().miniLmExposureCost();

        assertThat(cost).containsEntry("n", 128).containsEntry("batch_size", 8);
        assertThat((Double) cost.get("exposed_over_none")).isCloseTo(30.0 / 33, within(1e-12));
        assertThat((Double) cost.get("exposed_unread_over_none")).isCloseTo(32.0 / 33, within(1e-12));
        Map<?, ?> byCpu = (Map<?, ?>) cost.get("by_cpu");
        // Every row used 0.02 CPU s per window: by CPU, exposure cost nothing.
        assertThat((Double) byCpu.get("exposed_over_none")).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void int8IsComparedWithFp32AtEachSizeAndBatch() {
        List<Object> ratios = report().miniLmInt8OverFp32();

        assertThat(ratios).hasSize(4);
        Map<?, ?> first = (Map<?, ?>) ratios.get(0);
        assertThat(first.get("n")).isEqualTo(64);
        assertThat(first.get("batch_size")).isEqualTo(1);
        assertThat((Double) first.get("int8_over_fp32")).isCloseTo(2.0, within(1e-12));
    }

    @Test
    void rowsGoUnderTheirPathInResultsJsonAndTheTableNamesTheirVariant() {
        BenchReport report = report();
        Map<String, Object> json = report.toJson();

        assertThat((List<?>) ((Map<?, ?>) json.get("paths")).get("minilm")).hasSize(10);
        Map<?, ?> ratios = (Map<?, ?>) ((Map<?, ?>) json.get("ratios")).get("minilm");
        assertThat(List.copyOf(ratios.keySet())).isEqualTo(List.of("exposure_cost", "int8_over_fp32"));
        assertThat(json).containsKey("minilm_flops_formula");
        assertThat(ResultTable.format(report.results()))
                .contains("minilm fp32 B=8 none")
                .contains("minilm int8 B=1");
        assertThat(report.summary()).contains("exposed, last-row weights of every layer");
    }
}
