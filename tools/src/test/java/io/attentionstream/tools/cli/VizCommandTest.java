package io.attentionstream.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Options of `viz` without a broker; VizITCase runs it against one. */
class VizCommandTest {
    @Test
    void defaultsDrawEveryHeadOfTheNewestEightWindowsToTargetViz() {
        VizCommand viz = new VizCommand();
        new CommandLine(viz).parseArgs("--bootstrap-servers", "localhost:9092");
        assertThat(viz.weightsTopic).isEqualTo("attention.weights");
        assertThat(viz.head).hasToString("all");
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
    void maxWindowsBelowOneIsRefusedBeforeReadingKafka() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new VizCommand());
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("--bootstrap-servers", "127.0.0.1:1", "--max-windows", "0");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--max-windows must be at least 1");
    }
}
