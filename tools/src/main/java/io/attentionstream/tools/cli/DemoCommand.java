package io.attentionstream.tools.cli;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.job.AttentionJob;
import io.attentionstream.job.JobSetup;
import io.attentionstream.job.StartupChecks;
import io.attentionstream.job.config.JobConfig;
import io.attentionstream.job.kafka.KafkaTopics;
import io.attentionstream.tools.LocalRun;
import io.attentionstream.tools.demo.ExpectedWindows;
import io.attentionstream.tools.demo.SampleStream;
import io.attentionstream.tools.kafka.AvroRecords;
import io.attentionstream.tools.local.LocalKafka;
import io.attentionstream.tools.viz.AttentionHeatmaps;
import io.attentionstream.tools.viz.TokenSource;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The one-command local run: a real KRaft broker and a Flink MiniCluster in this JVM, a sample
 * feature stream and a sample token stream (with a few bad records each), the job run bounded on
 * each, the committed results read back and checked against the window semantics.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Run the whole pipeline locally on sample streams and report.")
public class DemoCommand implements Callable<Integer> {
    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    @Option(
            names = "--models-dir",
            defaultValue = "${sys:attention.stream.home:-.}/models",
            paramLabel = "DIR",
            description = "Folder of the ONNX models. Default: models/ of this checkout.")
    Path modelsDir;

    @Option(
            names = "--out",
            defaultValue = "${sys:attention.stream.home:-.}/target/demo",
            paramLabel = "DIR",
            description = "Folder for the report and heatmaps. Default: target/demo/ of this checkout.")
    Path outDir;

    @Option(
            names = "--keys",
            defaultValue = "4",
            paramLabel = "N",
            description = "Keys per stream. Default: ${DEFAULT-VALUE}.")
    int keys;

    @Option(
            names = "--events",
            defaultValue = "200",
            paramLabel = "N",
            description = "Events per key. Default: ${DEFAULT-VALUE}.")
    int events;

    @Option(
            names = "--window-size",
            defaultValue = "16",
            paramLabel = "N",
            description = "Events per window. Default: ${DEFAULT-VALUE}.")
    int windowSize;

    @Option(
            names = "--stride",
            defaultValue = "4",
            paramLabel = "S",
            description = "Events between window starts. Default: ${DEFAULT-VALUE}.")
    int stride;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            paramLabel = "P",
            description = "Parallelism of the local job. Default: ${DEFAULT-VALUE}.")
    int parallelism;

    /** What one stream's run produced. */
    record StreamReport(
            String kind,
            int windowsExpected,
            int outputs,
            int weights,
            Map<String, Integer> rejected,
            int badProduced,
            double seconds) {
        boolean ok() {
            return outputs == windowsExpected
                    && weights == windowsExpected
                    && rejected.values().stream().mapToInt(Integer::intValue).sum() == badProduced;
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        long start = System.nanoTime();
        List<StreamReport> reports = new ArrayList<>();
        try (LocalKafka kafka = LocalKafka.start()) {
            out.println("Kafka broker (KRaft, in-process) at " + kafka.bootstrapServers());
            reports.add(runStream(kafka, InputKind.FEATURES, "feature_attention.onnx", out));
            reports.add(runStream(kafka, InputKind.TOKENS, "token_attention.onnx", out));
        }
        Path report = writeReport(reports);
        out.println();
        out.printf(
                Locale.ROOT,
                "%-9s %9s %8s %8s %8s  %-40s %8s%n",
                "stream",
                "expected",
                "outputs",
                "weights",
                "windows/s",
                "rejected by reason",
                "result");
        for (StreamReport r : reports) {
            out.printf(
                    Locale.ROOT,
                    "%-9s %9d %8d %8d %8.0f  %-40s %8s%n",
                    r.kind,
                    r.windowsExpected,
                    r.outputs,
                    r.weights,
                    r.outputs / r.seconds,
                    r.rejected,
                    r.ok() ? "OK" : "MISMATCH");
        }
        out.printf(
                Locale.ROOT,
                "%nReport: %s (%.1f s in all)%n",
                report.toAbsolutePath(),
                (System.nanoTime() - start) / 1e9);
        return reports.stream().allMatch(StreamReport::ok) ? 0 : 1;
    }

    private StreamReport runStream(LocalKafka kafka, InputKind kind, String modelFile, PrintStream out)
            throws Exception {
        String prefix = "demo." + kind.cliName();
        String input = prefix + ".input";
        String outputs = prefix + ".output";
        String weights = prefix + ".weights";
        String dlq = prefix + ".dlq";
        kafka.createTopics(2, input, outputs, weights, dlq);

        SampleStream stream = new SampleStream(kind, keys, events, 64, 1000, SampleStream.BAD_KINDS, 42);
        long produced = ProduceCommand.send(kafka.clientProperties(), input, stream.records(), 0);
        out.printf(
                "%n[%s] produced %d records (%d keys × %d events, %d bad) to %s%n",
                kind.cliName(), produced, keys, events, SampleStream.BAD_KINDS, input);

        JobConfig config = JobConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .topics(input, outputs, weights, dlq)
                .model(modelsDir.resolve(modelFile))
                .windowSize(windowSize)
                .stride(stride)
                .checkpointIntervalMs(500)
                .bounded(true)
                .groupId(prefix)
                .transactionalIdPrefix(prefix)
                .build();
        JobSetup setup = JobSetup.resolve(config);
        StartupChecks.check(setup, Duration.ofSeconds(30));
        out.printf(
                "[%s] running %s on a Flink MiniCluster (parallelism %d, window %d, stride %d, bounded)%n",
                kind.cliName(), setup.model().description(), parallelism, windowSize, stride);
        JobExecutionResult result = LocalRun.run(AttentionJob.kafka(setup), parallelism);
        double seconds = result.getNetRuntime() / 1000.0;

        Properties props = kafka.clientProperties();
        List<ConsumerRecord<byte[], byte[]>> outputRecords = KafkaTopics.readCommitted(props, outputs, READ_TIMEOUT);
        List<ConsumerRecord<byte[], byte[]>> weightRecords = KafkaTopics.readCommitted(props, weights, READ_TIMEOUT);
        Map<String, Integer> rejected = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTopics.readCommitted(props, dlq, READ_TIMEOUT)) {
            rejected.merge(
                    AvroRecords.decode(r.value(), RejectedRecord.class)
                            .getReason()
                            .name(),
                    1,
                    Integer::sum);
        }
        if (!outputRecords.isEmpty()) {
            AttentionOutput first = AvroRecords.decode(outputRecords.get(0).value(), AttentionOutput.class);
            out.printf("[%s] first output: %s%n", kind.cliName(), ConsumeCommand.describe(first));
        }
        List<AttentionWeights> allWeights = weightRecords.stream()
                .map(r -> AvroRecords.decode(r.value(), AttentionWeights.class))
                .toList();
        List<Path> heatmaps = writeHeatmaps(kind, stream, allWeights);
        if (!heatmaps.isEmpty()) {
            out.printf(
                    "[%s] heatmaps of %s's last window (every head and their mean):%n",
                    kind.cliName(), stream.keyName(0));
            heatmaps.forEach(p -> out.println("  " + p.toAbsolutePath()));
        }
        if (!weightRecords.isEmpty()) {
            AttentionWeights w = allWeights.get(allWeights.size() - 1);
            out.printf(
                    "[%s] attention of %s positions %d..%d (last query row):%n",
                    kind.cliName(), w.getKey(), w.getWindowStartPosition(), w.getWindowEndPosition());
            io.attentionstream.tools.cli.AttentionSummary.describe(w).forEach(out::println);
        }
        int expected = keys * ExpectedWindows.perKey(events, windowSize, stride);
        return new StreamReport(
                kind.cliName(),
                expected,
                outputRecords.size(),
                weightRecords.size(),
                rejected,
                SampleStream.BAD_KINDS,
                seconds);
    }

    /** Heatmaps of one key's newest window; token streams get their token ids on the axes. */
    private List<Path> writeHeatmaps(InputKind kind, SampleStream stream, List<AttentionWeights> weights) {
        Map<String, Map<Long, Long>> tokens = new java.util.HashMap<>();
        if (kind == InputKind.TOKENS) {
            for (var e : stream.events()) {
                tokens.computeIfAbsent(e.key, k -> new java.util.HashMap<>()).put(e.position, e.token);
            }
        }
        return AttentionHeatmaps.writeForKey(
                weights,
                stream.keyName(0),
                outDir.resolve("heatmaps").resolve(kind.cliName()),
                TokenSource.byPosition(tokens));
    }

    private Path writeReport(List<StreamReport> reports) throws IOException {
        Files.createDirectories(outDir);
        Path file = outDir.resolve("report.txt");
        StringBuilder text = new StringBuilder();
        for (StreamReport r : reports) {
            text.append(String.format(
                    Locale.ROOT,
                    "%s: expected %d windows, outputs %d, weights %d, rejected %s, %.0f windows/s, %s%n",
                    r.kind,
                    r.windowsExpected,
                    r.outputs,
                    r.weights,
                    r.rejected,
                    r.outputs / r.seconds,
                    r.ok() ? "OK" : "MISMATCH"));
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
