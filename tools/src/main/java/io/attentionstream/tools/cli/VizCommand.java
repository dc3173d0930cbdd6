package io.attentionstream.tools.cli;

import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.job.cli.KafkaOptions;
import io.attentionstream.job.kafka.KafkaTopics;
import io.attentionstream.tools.kafka.AvroRecords;
import io.attentionstream.tools.viz.AttentionHeatmaps;
import io.attentionstream.tools.viz.HeadSelection;
import io.attentionstream.tools.viz.HeatmapIndex;
import io.attentionstream.tools.viz.LayerChoice;
import io.attentionstream.tools.viz.RenderedHeatmap;
import io.attentionstream.tools.viz.WeightsView;
import io.attentionstream.tools.viz.WindowSelection;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** Draws committed attention weights as heatmap PNGs, with an index.html to browse them. */
@Command(
        name = "viz",
        mixinStandardHelpOptions = true,
        modelTransformer = KafkaOptions.Flags.class,
        description = "Render committed attention weights as heatmap PNGs and an index.html (read_committed).")
public class VizCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(VizCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Option(
            names = "--weights-topic",
            defaultValue = "attention.weights",
            paramLabel = "TOPIC",
            description = "Topic of AttentionWeights records. Default: ${DEFAULT-VALUE}.")
    String weightsTopic;

    @Option(names = "--key", paramLabel = "K", description = "Only this key. Default: every key.")
    String key;

    @Option(
            names = "--window-start",
            paramLabel = "P",
            description = "Only the window starting at this position. Default: any.")
    Long windowStart;

    @Option(
            names = "--head",
            defaultValue = "all",
            paramLabel = "H|mean|all",
            converter = HeadSelectionConverter.class,
            description =
                    "One head (0-based), the mean of the heads, or every head and the mean. Default: ${DEFAULT-VALUE}.")
    HeadSelection head;

    @Option(
            names = "--layer",
            defaultValue = "last",
            paramLabel = "INDEX|last",
            converter = LayerChoiceConverter.class,
            description = "The layer whose heads are drawn: the model's layer index (as in the records' "
                    + "layer_indexes), or the last layer each record holds. Default: ${DEFAULT-VALUE}.")
    LayerChoice layer;

    @Option(
            names = "--out",
            defaultValue = "target/viz",
            paramLabel = "DIR",
            description = "Folder for the images and index.html. Default: ${DEFAULT-VALUE}.")
    Path outDir;

    @Option(
            names = "--max-windows",
            defaultValue = "8",
            paramLabel = "N",
            description = "The newest N windows of each key. Default: ${DEFAULT-VALUE}.")
    int maxWindows;

    @Option(
            names = "--timeout-ms",
            defaultValue = "30000",
            paramLabel = "MS",
            description = "How long to wait for the topic. Default: ${DEFAULT-VALUE}.")
    long timeoutMs;

    @Override
    public Integer call() {
        if (maxWindows < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--max-windows must be at least 1, got " + maxWindows + ".");
        }
        if (timeoutMs < 1) {
            throw new ParameterException(spec.commandLine(), "--timeout-ms must be at least 1, got " + timeoutMs + ".");
        }
        List<ConsumerRecord<byte[], byte[]>> raw = KafkaTopics.readCommitted(
                kafka.clientConfig().toProperties(), weightsTopic, Duration.ofMillis(timeoutMs));
        List<AttentionWeights> records = new ArrayList<>(raw.size());
        raw.forEach(r -> records.add(AvroRecords.decode(r.value(), AttentionWeights.class)));
        return draw(records);
    }

    /** Everything after reading the topic: chooses the windows, checks the flags against them, draws. */
    int draw(List<AttentionWeights> records) {
        PrintWriter out = spec.commandLine().getOut();
        List<AttentionWeights> windows = WindowSelection.newest(records, key, windowStart, maxWindows);
        if (windows.isEmpty()) {
            spec.commandLine()
                    .getErr()
                    .printf(
                            "No weights record on %s matches %s (the topic holds %d): check --key, --window-start "
                                    + "and --weights-topic.%n",
                            weightsTopic, filter(), records.size());
            return 1;
        }
        windows.forEach(this::checkFlags);
        List<RenderedHeatmap> images = new ArrayList<>();
        for (AttentionWeights w : windows) {
            images.addAll(AttentionHeatmaps.render(w, layer, head, outDir, null));
        }
        Path index = HeatmapIndex.write(outDir, images);
        LOG.info(
                "Rendered {} heatmaps of {} windows from {} to {}",
                images.size(),
                windows.size(),
                weightsTopic,
                outDir);
        images.forEach(image -> out.println(image.file()));
        out.printf("%d heatmaps of %d windows; index: %s%n", images.size(), windows.size(), index);
        out.flush();
        return 0;
    }

    /**
     * Before any file is written, so a record that breaks the contract, or a --layer or --head it
     * does not have, leaves no half-drawn folder behind.
     */
    private void checkFlags(AttentionWeights w) {
        WeightsView weights = WeightsView.of(w);
        try {
            layer.positionIn(weights);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--layer " + layer + ": " + e.getMessage(), e);
        }
        try {
            head.views(weights.heads());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--head " + head + ": " + e.getMessage(), e);
        }
    }

    private String filter() {
        String k = key == null ? "any key" : "key " + key;
        return windowStart == null ? k : k + " and window start " + windowStart;
    }

    static final class LayerChoiceConverter implements ITypeConverter<LayerChoice> {
        @Override
        public LayerChoice convert(String value) {
            try {
                return LayerChoice.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class HeadSelectionConverter implements ITypeConverter<HeadSelection> {
        @Override
        public HeadSelection convert(String value) {
            try {
                return HeadSelection.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
