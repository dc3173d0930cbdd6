package io.attentionstream.tools.cli;

import io.attentionstream.core.model.InputKind;
import io.attentionstream.job.cli.CliConverters;
import io.attentionstream.job.cli.KafkaOptions;
import io.attentionstream.tools.demo.SampleStream;
import io.attentionstream.tools.kafka.ByteProducers;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Produces a sample feature or token stream to any broker. */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        modelTransformer = KafkaOptions.Flags.class,
        description = "Produce a sample SequenceEvent stream (several keys, a few bad records) to a topic.")
public class ProduceCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Option(
            names = "--input-topic",
            defaultValue = "attention.input",
            paramLabel = "TOPIC",
            description = "Topic to write SequenceEvent records to. Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(
            names = "--kind",
            defaultValue = "features",
            paramLabel = "features|tokens",
            converter = CliConverters.InputKindConverter.class,
            description = "Stream kind. Default: ${DEFAULT-VALUE}.")
    InputKind kind;

    @Option(
            names = "--keys",
            paramLabel = "N",
            defaultValue = "4",
            description = "Number of keys. Default: ${DEFAULT-VALUE}.")
    int keys;

    @Option(
            names = "--events",
            paramLabel = "N",
            defaultValue = "100",
            description = "Events per key. Default: ${DEFAULT-VALUE}.")
    int eventsPerKey;

    @Option(
            names = "--dim",
            paramLabel = "D",
            defaultValue = "64",
            description = "Features per event. Default: ${DEFAULT-VALUE}.")
    int dim;

    @Option(
            names = "--vocab-size",
            paramLabel = "V",
            defaultValue = "1000",
            description = "Token ids are below this. Default: ${DEFAULT-VALUE}.")
    int vocabSize;

    @Option(
            names = "--bad",
            paramLabel = "N",
            defaultValue = "0",
            description = "Bad records to mix in (0..6). Default: ${DEFAULT-VALUE}.")
    int bad;

    @Option(
            names = "--rate",
            paramLabel = "R",
            defaultValue = "0",
            description = "Records per second; 0 = as fast as possible. Default: ${DEFAULT-VALUE}.")
    int rate;

    @Option(
            names = "--seed",
            paramLabel = "SEED",
            defaultValue = "42",
            description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() {
        SampleStream stream = new SampleStream(kind, keys, eventsPerKey, dim, vocabSize, bad, seed);
        List<SampleStream.Record> records = stream.records();
        long sent = send(kafka.clientConfig().toProperties(), topic, records, rate);
        System.out.printf(
                "Produced %d records (%d keys × %d %s events, %d bad) to %s%n",
                sent, keys, eventsPerKey, kind.cliName(), bad, topic);
        return 0;
    }

    /**
     * Sends the records in order, idempotently, paced to {@code rate} records/s when positive.
     * Throws, naming the topic and the first error, unless the broker acknowledged every record.
     */
    public static long send(Properties clientProps, String topic, List<SampleStream.Record> records, int rate) {
        Properties props = ByteProducers.idempotent(clientProps);
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        long start = System.nanoTime();
        long count = 0;
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (SampleStream.Record r : records) {
                if (rate > 0) {
                    long due = start + TimeUnit.SECONDS.toNanos(count) / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                producer.send(new ProducerRecord<>(topic, r.key(), r.value()), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
                count++;
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "Could not write to " + topic + ": " + failure.get().getMessage(), failure.get());
        }
        return count;
    }
}
