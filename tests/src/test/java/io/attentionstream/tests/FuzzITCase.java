package io.attentionstream.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.MalformedRecordException;
import io.attentionstream.core.window.SequenceEventCodec;
import io.attentionstream.job.JobSetup;
import io.attentionstream.tools.demo.SampleStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * 10,000 random and mutated records mixed into a valid stream. Every valid window still arrives
 * exactly once, and every record is accounted for: accepted + rejected = produced. Windows
 * without overlap (stride = size) make "accepted" countable: each accepted event is in exactly one
 * emitted window, so accepted = the sum of the windows' lengths.
 *
 * <p>Mutations can yield records that decode into valid events. The generator keeps those off the
 * valid keys and before the valid stream's first timestamp, so they may form windows of their own
 * or be LATE, but can neither enter a valid key's windows nor push the watermark past valid events.
 */
class FuzzITCase extends PipelineTestBase {
    private static final int N = 4;
    private static final int FUZZ_RECORDS = 10_000;

    @Test
    void everyRecordIsAccountedForAndValidWindowsArriveOnce() throws Exception {
        List<Event> valid =
                Streams.endingEveryKey(new SampleStream(InputKind.FEATURES, 6, 60, 64, 1000, 0, 5).events());
        Set<String> validKeys = valid.stream().map(e -> e.key).collect(Collectors.toSet());
        long firstValidTimestamp =
                valid.stream().mapToLong(e -> e.timestamp).min().orElseThrow();
        List<SampleStream.Record> validRecords = Streams.records(valid);
        List<SampleStream.Record> fuzz = fuzz(new Random(2024), validRecords, validKeys, firstValidTimestamp);

        List<SampleStream.Record> all = mix(validRecords, fuzz, new Random(7));
        Topics topics = Topics.create("fuzz");
        produce(topics, all);
        JobSetup setup = setup(config(topics)
                .model(model("feature_attention"))
                .windowSize(N)
                .stride(N)
                .checkpointIntervalMs(500)
                .batchSize(16)
                .bounded(true)
                .parallelism(2));
        runBounded(setup, 2);

        List<AttentionOutput> outputs = readCommitted(topics.output(), AttentionOutput.class);
        List<RejectedRecord> rejected = readCommitted(topics.dlq(), RejectedRecord.class);
        long accepted = outputs.stream().mapToLong(AttentionOutput::getLength).sum();
        System.out.printf(
                "fuzz: produced %d (%d valid, %d fuzz), accepted %d, rejected %d, windows %d%n",
                all.size(), validRecords.size(), fuzz.size(), accepted, rejected.size(), outputs.size());
        assertThat(accepted + rejected.size())
                .as("accepted %d + rejected %d = produced %d", accepted, rejected.size(), all.size())
                .isEqualTo(all.size());
        assertThat(rejected.size()).as("most fuzz is rejected").isGreaterThan(FUZZ_RECORDS / 2);

        List<AttentionOutput> validOutputs =
                outputs.stream().filter(o -> validKeys.contains(o.getKey())).toList();
        List<AttentionWeights> validWeights = readCommitted(topics.weights(), AttentionWeights.class).stream()
                .filter(w -> validKeys.contains(w.getKey()))
                .toList();
        ExactlyOnce.assertOutputs(topics, valid, N, N, "feature_attention", validOutputs, validWeights);
    }

    /** Random bytes and mutations of valid records (bit flips, truncation, splices, insertions). */
    private static List<SampleStream.Record> fuzz(
            Random random, List<SampleStream.Record> valid, Set<String> validKeys, long firstValidTimestamp) {
        List<SampleStream.Record> fuzz = new ArrayList<>(FUZZ_RECORDS);
        while (fuzz.size() < FUZZ_RECORDS) {
            byte[] value = random.nextInt(4) == 0
                    ? randomBytes(random)
                    : mutate(random, valid.get(random.nextInt(valid.size())).value());
            if (admissible(value, validKeys, firstValidTimestamp)) {
                fuzz.add(new SampleStream.Record(
                        ("fuzz-" + random.nextInt(50)).getBytes(StandardCharsets.UTF_8), value));
            }
        }
        return fuzz;
    }

    private static boolean admissible(byte[] value, Set<String> validKeys, long firstValidTimestamp) {
        try {
            Event e = SequenceEventCodec.decode(value);
            return !validKeys.contains(e.key) && e.timestamp < firstValidTimestamp;
        } catch (MalformedRecordException e) {
            return true;
        }
    }

    private static byte[] randomBytes(Random random) {
        byte[] b = new byte[random.nextInt(300)];
        random.nextBytes(b);
        return b;
    }

    private static byte[] mutate(Random random, byte[] original) {
        byte[] b = original.clone();
        switch (random.nextInt(4)) {
            case 0 -> {
                for (int i = 0, flips = 1 + random.nextInt(4); i < flips; i++) {
                    b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return b;
            }
            case 1 -> {
                return Arrays.copyOf(b, random.nextInt(b.length));
            }
            case 2 -> {
                byte[] longer = Arrays.copyOf(b, b.length + 1 + random.nextInt(16));
                for (int i = b.length; i < longer.length; i++) {
                    longer[i] = (byte) random.nextInt(256);
                }
                return longer;
            }
            default -> {
                int at = random.nextInt(b.length);
                b[at] = (byte) random.nextInt(256);
                return b;
            }
        }
    }

    /** Inserts the fuzz at random places, keeping the valid records in their order. */
    private static List<SampleStream.Record> mix(
            List<SampleStream.Record> valid, List<SampleStream.Record> fuzz, Random random) {
        List<SampleStream.Record> all = new ArrayList<>(valid.size() + fuzz.size());
        int v = 0;
        int f = 0;
        while (v < valid.size() || f < fuzz.size()) {
            boolean takeValid =
                    f == fuzz.size() || (v < valid.size() && random.nextInt(valid.size() + fuzz.size()) < valid.size());
            all.add(takeValid ? valid.get(v++) : fuzz.get(f++));
        }
        return all;
    }
}
