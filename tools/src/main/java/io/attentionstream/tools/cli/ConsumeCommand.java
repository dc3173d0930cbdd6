package io.attentionstream.tools.cli;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.job.cli.KafkaOptions;
import io.attentionstream.job.kafka.KafkaTopics;
import io.attentionstream.tools.kafka.AvroRecords;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Prints what the job committed, readably: outputs, the gist of the weights, dead letters. */
@Command(
        name = "consume",
        mixinStandardHelpOptions = true,
        modelTransformer = KafkaOptions.Flags.class,
        description = "Print committed outputs, attention summaries and dead letters (read_committed).")
public class ConsumeCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Option(
            names = "--output-topic",
            defaultValue = "attention.output",
            paramLabel = "TOPIC",
            description = "Topic of AttentionOutput records. Default: ${DEFAULT-VALUE}.")
    String outputTopic;

    @Option(
            names = "--weights-topic",
            defaultValue = "attention.weights",
            paramLabel = "TOPIC",
            description = "Topic of AttentionWeights records. Default: ${DEFAULT-VALUE}.")
    String weightsTopic;

    @Option(
            names = "--dlq-topic",
            defaultValue = "attention.dlq",
            paramLabel = "TOPIC",
            description = "Dead-letter topic. Default: ${DEFAULT-VALUE}.")
    String dlqTopic;

    @Option(
            names = "--max",
            defaultValue = "20",
            paramLabel = "N",
            description = "Records to print per topic. Default: ${DEFAULT-VALUE}.")
    int max;

    @Option(
            names = "--timeout-ms",
            defaultValue = "30000",
            paramLabel = "MS",
            description = "How long to wait for the topics. Default: ${DEFAULT-VALUE}.")
    long timeoutMs;

    @Override
    public Integer call() {
        Properties props = kafka.clientConfig().toProperties();
        Duration timeout = Duration.ofMillis(timeoutMs);
        PrintStream out = System.out;
        List<ConsumerRecord<byte[], byte[]>> outputs = KafkaTopics.readCommitted(props, outputTopic, timeout);
        out.printf("%s: %d committed outputs%n", outputTopic, outputs.size());
        for (ConsumerRecord<byte[], byte[]> r : outputs.subList(0, Math.min(max, outputs.size()))) {
            out.println("  " + describe(AvroRecords.decode(r.value(), AttentionOutput.class)));
        }
        List<ConsumerRecord<byte[], byte[]>> weights = KafkaTopics.readCommitted(props, weightsTopic, timeout);
        out.printf("%s: %d committed weights records%n", weightsTopic, weights.size());
        for (ConsumerRecord<byte[], byte[]> r : weights.subList(0, Math.min(max, weights.size()))) {
            describe(AvroRecords.decode(r.value(), AttentionWeights.class)).forEach(out::println);
        }
        List<ConsumerRecord<byte[], byte[]>> dead = KafkaTopics.readCommitted(props, dlqTopic, timeout);
        out.printf("%s: %d dead letters%n", dlqTopic, dead.size());
        for (ConsumerRecord<byte[], byte[]> r : dead.subList(0, Math.min(max, dead.size()))) {
            RejectedRecord d = AvroRecords.decode(r.value(), RejectedRecord.class);
            out.printf(
                    "  %-18s key=%s source=%s %s%n",
                    d.getReason(),
                    d.getKey(),
                    d.getSourceTopic() == null
                            ? "-"
                            : d.getSourceTopic() + "-" + d.getSourcePartition() + "@" + d.getSourceOffset(),
                    d.getMessage());
        }
        return 0;
    }

    /**
     * A weights record for the terminal: a line with its window and shape ("2 layers × " first
     * when it holds several layers), then {@link AttentionSummary}'s lines. A record that breaks
     * the data contract gets one line saying how, so the records after it are still printed.
     */
    static List<String> describe(AttentionWeights w) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(
                Locale.ROOT,
                "  %s positions %d..%d (%s%d heads × %d rows × %d)",
                w.getKey(),
                w.getWindowStartPosition(),
                w.getWindowEndPosition(),
                w.getLayers() == 1 ? "" : w.getLayers() + " layers × ",
                w.getHeads(),
                w.getQueryRows(),
                w.getLength()));
        try {
            lines.addAll(AttentionSummary.describe(w));
        } catch (IllegalArgumentException e) {
            lines.add("  ! " + e.getMessage());
        }
        return lines;
    }

    static String describe(AttentionOutput o) {
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < Math.min(4, o.getOutput().size()); i++) {
            head.append(String.format(
                    Locale.ROOT, "%s%.4f", i == 0 ? "" : ", ", o.getOutput().get(i)));
        }
        return String.format(
                Locale.ROOT,
                "%s positions %d..%d length %d: %d × %d [%s, …] %s",
                o.getKey(),
                o.getWindowStartPosition(),
                o.getWindowEndPosition(),
                o.getLength(),
                o.getRows(),
                o.getDim(),
                head,
                o.getModel());
    }
}
