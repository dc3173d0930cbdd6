package io.attentionstream.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.window.Window;
import io.attentionstream.tools.cli.VizCommand;
import io.attentionstream.tools.demo.SampleStream;
import io.attentionstream.tools.viz.HeatmapIndex;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * `viz` against a real broker: the job runs bounded on a small feature stream, then `viz` reads
 * the committed weights and draws them. The images stay under target/viz-itcase for a look.
 */
class VizITCase extends PipelineTestBase {
    private static final int N = 16;
    private static final int S = 4;
    private static final Path OUT = Path.of("target", "viz-itcase");

    private static SampleStream stream;
    private static Topics topics;
    private static int heads;

    @BeforeAll
    static void runTheJobOnce() throws Exception {
        topics = Topics.create("viz");
        stream = new SampleStream(InputKind.FEATURES, 2, 24, 64, 1000, 0, 42);
        produce(topics, stream.records());
        runBounded(
                setup(config(topics)
                        .model(model("feature_attention"))
                        .windowSize(N)
                        .stride(S)
                        .checkpointIntervalMs(500)
                        .bounded(true)),
                2);
        List<AttentionWeights> weights = readCommitted(topics.weights(), AttentionWeights.class);
        assertThat(weights).isNotEmpty();
        heads = weights.get(0).getHeads();
    }

    @Test
    void drawsEveryHeadAndTheMeanOfEachWindowOfTheKeyWithAnIndex() throws Exception {
        String key = stream.keyName(0);
        Path out = fresh("all-heads");
        StringWriter stdout = new StringWriter();
        int code = viz(stdout, new StringWriter(), "--key", key, "--out", out.toString());

        assertThat(code).isZero();
        List<String> expected = new ArrayList<>();
        for (Window w : ReferenceWindows.of(stream.events(), N, S)) {
            if (w.key.equals(key)) {
                String prefix = key + "_" + w.startPosition + "-" + w.endPosition + "_";
                for (int h = 0; h < heads; h++) {
                    expected.add(prefix + "head" + h + ".png");
                }
                expected.add(prefix + "mean.png");
            }
        }
        assertThat(expected).hasSize(3 * (heads + 1));
        assertThat(pngsIn(out)).containsExactlyInAnyOrderElementsOf(expected);
        for (String name : expected) {
            BufferedImage image = ImageIO.read(out.resolve(name).toFile());
            assertThat(image).as("%s is a PNG", name).isNotNull();
            assertThat(image.getWidth()).as(name).isBetween(300, 1600);
            assertThat(stdout.toString()).contains(out.resolve(name).toString());
        }
        String index = Files.readString(out.resolve(HeatmapIndex.FILE_NAME));
        assertThat(index)
                .contains(expected.stream().map(n -> "src=\"" + n + "\"").toList());
    }

    @Test
    void drawsOnlyTheChosenWindowAndView() throws Exception {
        String key = stream.keyName(1);
        Path out = fresh("one-view");
        int code = viz(
                new StringWriter(),
                new StringWriter(),
                "--key",
                key,
                "--window-start",
                "4",
                "--head",
                "mean",
                "--out",
                out.toString());

        assertThat(code).isZero();
        assertThat(pngsIn(out)).containsExactly(key + "_4-19_mean.png");
    }

    @Test
    void aHeadTheModelDoesNotHaveOrAKeyWithNoWindowsIsToldClearly() throws Exception {
        StringWriter err = new StringWriter();
        Path out = fresh("errors");
        assertThat(viz(
                        new StringWriter(),
                        err,
                        "--key",
                        stream.keyName(0),
                        "--head",
                        Integer.toString(heads),
                        "--out",
                        out.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--head " + heads).contains(heads + " heads");
        assertThat(pngsIn(out)).as("nothing drawn").isEmpty();

        StringWriter err2 = new StringWriter();
        assertThat(viz(new StringWriter(), err2, "--key", "no-such-key", "--out", out.toString()))
                .isEqualTo(1);
        assertThat(err2.toString()).contains("no-such-key").contains("--key");
    }

    private static int viz(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new VizCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(
                List.of("--bootstrap-servers", kafka.bootstrapServers(), "--weights-topic", topics.weights()));
        all.addAll(List.of(args));
        return cli.execute(all.toArray(new String[0]));
    }

    private static Path fresh(String name) throws IOException {
        Path dir = OUT.resolve(name);
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return dir;
    }

    private static List<String> pngsIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".png"))
                    .sorted()
                    .toList();
        }
    }
}
