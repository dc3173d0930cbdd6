package io.attentionstream.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.tools.viz.WeightsViewTest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Options of `viz` without a broker; VizITCase runs it against one. */
class VizCommandTest {
    @Test
    void defaultsDrawEveryHeadOfTheNewestEightWindowsToTargetViz() {
        VizCommand viz = new VizCommand();
        new CommandLine(viz).parseArgs("--bootstrap-servers", "localhost:9092");
        assertThat(viz.weightsTopic).isEqualTo("attention.weights");
        assertThat(viz.head).hasToString("all");
        assertThat(viz.layer).hasToString("last");
        assertThat(viz.outDir).isEqualTo(Path.of("target/viz"));
        assertThat(viz.maxWindows).isEqualTo(8);
        assertThat(viz.key).isNull();
        assertThat(viz.windowStart).isNull();
    }

    @Test
    void aHeadThatIsNotANumberMeanOrAllIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new VizCommand());
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("--bootstrap-servers", "localhost:9092", "--head", "first");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--head").contains("mean or all");
    }

    @Test
    void aLayerThatIsNotAnIndexOrLastIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new VizCommand());
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("--bootstrap-servers", "localhost:9092", "--layer", "top");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--layer").contains("not a layer index or last");
    }

    @Test
    void drawsTheLastLayerOfMultiLayerRecordsByDefaultAndNamesIt(@TempDir Path dir) throws IOException {
        StringWriter out = new StringWriter();
        VizCommand viz = viz(out, "--out", dir.toString(), "--head", "mean");
        assertThat(viz.draw(List.of(WeightsViewTest.layered(List.of(0, 5), 2, 2, 2, 3))))
                .isZero();
        assertThat(pngsIn(dir)).containsExactly("doc-1_10-12_L5_mean.png");
        assertThat(Files.readString(dir.resolve("index.html"))).contains("layer 5, mean of 2 heads");
        assertThat(out.toString()).contains("1 heatmaps of 1 windows");
    }

    @Test
    void drawsTheChosenLayer(@TempDir Path dir) throws IOException {
        VizCommand viz = viz(new StringWriter(), "--out", dir.toString(), "--layer", "0");
        assertThat(viz.draw(List.of(WeightsViewTest.layered(List.of(0, 5), 2, 2, 2, 3))))
                .isZero();
        assertThat(pngsIn(dir))
                .containsExactly("doc-1_10-12_L0_head0.png", "doc-1_10-12_L0_head1.png", "doc-1_10-12_L0_mean.png");
    }

    @Test
    void aLayerTheRecordDoesNotHoldIsOneErrorNamingTheFlagAndItsLayersAndDrawsNothing(@TempDir Path dir)
            throws IOException {
        Path out = dir.resolve("viz");
        VizCommand viz = viz(new StringWriter(), "--out", out.toString(), "--layer", "3");
        List<AttentionWeights> records = List.of(
                WeightsViewTest.layered(List.of(0, 5), 2, 1, 1, 2),
                AttentionWeights.newBuilder(WeightsViewTest.layered(List.of(0, 5), 2, 1, 1, 2))
                        .setWindowStartPosition(0)
                        .build());
        assertThatThrownBy(() -> viz.draw(records))
                .isInstanceOf(ParameterException.class)
                .hasMessageStartingWith("--layer 3: Layer 3 is not in the weights record of doc-1  ·  positions ")
                .hasMessageContaining("it holds layers 0, 5; choose one of them or last.");
        assertThat(Files.exists(out)).as("nothing written").isFalse();
    }

    @Test
    void singleLayerRecordsAreDrawnAsBefore(@TempDir Path dir) throws IOException {
        VizCommand viz = viz(new StringWriter(), "--out", dir.toString());
        AttentionWeights single = WeightsViewTest.layered(List.of(0), 1, 2, 1, 3);
        assertThat(viz.draw(List.of(single))).isZero();
        assertThat(pngsIn(dir))
                .containsExactly("doc-1_10-12_head0.png", "doc-1_10-12_head1.png", "doc-1_10-12_mean.png");
    }

    private static VizCommand viz(StringWriter out, String... args) {
        VizCommand viz = new VizCommand();
        CommandLine cli = new CommandLine(viz);
        cli.setOut(new PrintWriter(out));
        List<String> all = new ArrayList<>(List.of("--bootstrap-servers", "localhost:9092"));
        all.addAll(List.of(args));
        cli.parseArgs(all.toArray(new String[0]));
        return viz;
    }

    private static List<String> pngsIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".png"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void maxWindowsBelowOneIsRefusedBeforeReadingKafka() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new VizCommand());
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("--bootstrap-servers", "127.0.0.1:1", "--max-windows", "0");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--max-windows must be at least 1");
    }
}
