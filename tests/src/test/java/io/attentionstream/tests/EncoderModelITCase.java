package io.attentionstream.tests;

import static io.attentionstream.core.golden.Tolerance.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.avro.RejectReason;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.core.golden.GoldenCase;
import io.attentionstream.core.model.LayerSelection;
import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.SequenceEventCodec;
import io.attentionstream.job.JobSetup;
import io.attentionstream.tools.demo.SampleStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code models/tiny_encoder.onnx}, an HF BERT-style encoder exported as exporters write it
 * ({@code input_ids}, {@code attention_mask}, {@code token_type_ids} → {@code last_hidden_state}, no
 * attention output, no vocab_size metadata), run by the whole job with no tensor-name flags against
 * a real broker: each golden row of {@code models/golden/tiny_encoder/} is one key's events, and the
 * committed (read_committed) windows equal eager PyTorch's hidden states within 1e-4 and each
 * layer's attention probabilities within 1e-5, exactly once; tokens outside the 211-word
 * vocabulary go to the dead-letter topic without disturbing their key's window.
 */
class EncoderModelITCase extends PipelineTestBase {
    private static final String MODEL = "tiny_encoder";
    private static final int LAYERS = 3;
    private static final int HEADS = 6;
    private static final int HIDDEN = 48;
    private static final int VOCAB = 211;
    private static final float OUTPUT_TOLERANCE = 1e-4f;
    private static final float WEIGHTS_TOLERANCE = 1e-5f;
    private static final long T0 = 1_700_000_000_000L;

    /** One golden batch row: the key whose events reproduce it. */
    record Row(GoldenCase golden, int b) {
        String key() {
            return "enc-" + golden.name() + "-" + b;
        }

        int length() {
            return golden.lengths()[b];
        }

        long[] tokens() {
            int seq = golden.seq();
            return Arrays.copyOfRange(golden.longs("input_ids"), b * seq, b * seq + length());
        }

        /** PyTorch's {@code last_hidden_state} rows of the valid positions: {@code length × 48}. */
        float[] hiddenState() {
            int seq = golden.seq();
            return Arrays.copyOfRange(
                    golden.floats("last_hidden_state"), b * seq * HIDDEN, (b * seq + length()) * HIDDEN);
        }

        /** PyTorch's attention probabilities of one layer, valid queries × valid keys: {@code heads × length × length}. */
        float[] attention(int layer) {
            int seq = golden.seq();
            int len = length();
            float[] all = golden.floats("attentions_" + layer);
            float[] result = new float[HEADS * len * len];
            for (int h = 0; h < HEADS; h++) {
                for (int q = 0; q < len; q++) {
                    System.arraycopy(all, ((b * HEADS + h) * seq + q) * seq, result, (h * len + q) * len, len);
                }
            }
            return result;
        }

        /** The row's events at positions 0.., timestamps T0 + position, the last one ending the sequence. */
        List<Event> events() {
            long[] tokens = tokens();
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < tokens.length; i++) {
                events.add(Event.ofToken(key(), i, T0 + i, tokens[i]));
            }
            events.get(events.size() - 1).endingSequence();
            return events;
        }
    }

    /** Largest differences seen against PyTorch, for the log. */
    private static float maxOutputDiff;

    private static float maxWeightsDiff;
    private static int windowsCompared;

    private static List<Row> rows;

    @BeforeAll
    static void readGoldens() {
        Map<String, GoldenCase> cases =
                GoldenCase.all(MODEL).stream().collect(Collectors.toMap(GoldenCase::name, c -> c));
        rows = new ArrayList<>();
        for (String name : List.of("b2_s40", "b3_s12_padded", "b1_s7")) {
            GoldenCase c = cases.get(name);
            assertThat(c).as("golden case %s", name).isNotNull();
            for (int layer = 0; layer < LAYERS; layer++) {
                assertThat(c.shape("attentions_" + layer))
                        .as("%s attentions_%d", name, layer)
                        .containsExactly(c.batch(), HEADS, c.seq(), c.seq());
            }
            long[] mask = c.longs("attention_mask");
            long[] types = c.longs("token_type_ids");
            for (int b = 0; b < c.batch(); b++) {
                Row row = new Row(c, b);
                for (int i = 0; i < c.seq(); i++) {
                    assertThat(mask[b * c.seq() + i])
                            .as("%s: attention_mask is 1 on the row's tokens, 0 on its right padding", row.key())
                            .isEqualTo(i < row.length() ? 1L : 0L);
                    assertThat(types[b * c.seq() + i])
                            .as("token_type_ids are zeros, as the job feeds them")
                            .isZero();
                }
                rows.add(row);
            }
        }
        assertThat(rows).extracting(Row::length).containsExactly(40, 40, 12, 9, 4, 7);
    }

    @AfterAll
    static void report() {
        System.out.printf(
                "EncoderModelITCase: %d windows against PyTorch, max |diff| output %.3g, weights %.3g%n",
                windowsCompared, maxOutputDiff, maxWeightsDiff);
    }

    /**
     * Window 40 = the position table: every golden row is one window (the shorter ones flushed by
     * end_of_sequence), batched together with padding, every layer's weights emitted. The key of
     * {@code b1_s7} also gets tokens 211 and 5000 at positions its good events then take.
     */
    @Test
    void everyLayerOfEveryGoldenRowEqualsPyTorchAndOutOfRangeTokensAreDeadLetters() throws Exception {
        int n = 40;
        Topics topics = Topics.create("encoder-all");
        Row withBadTokens = rows.stream()
                .filter(r -> r.golden().name().equals("b1_s7"))
                .findFirst()
                .orElseThrow();
        Map<Long, Event> badBefore = new LinkedHashMap<>();
        badBefore.put(3L, Event.ofToken(withBadTokens.key(), 3, T0 + 3, VOCAB));
        badBefore.put(5L, Event.ofToken(withBadTokens.key(), 5, T0 + 5, 5000));

        List<Event> valid = new ArrayList<>();
        List<SampleStream.Record> records = new ArrayList<>();
        List<byte[]> badBytes = new ArrayList<>();
        List<Integer> badIndexes = new ArrayList<>();
        for (Event e : interleaved(rows)) {
            Event bad = e.key.equals(withBadTokens.key()) ? badBefore.get(e.position) : null;
            if (bad != null) {
                byte[] value = SequenceEventCodec.encode(bad);
                badIndexes.add(records.size());
                badBytes.add(value);
                records.add(new SampleStream.Record(bad.key.getBytes(StandardCharsets.UTF_8), value));
            }
            valid.add(e);
            records.add(new SampleStream.Record(e.key.getBytes(StandardCharsets.UTF_8), SequenceEventCodec.encode(e)));
        }
        List<KeyedProducer.Coordinates> at = KeyedProducer.send(kafka.clientProperties(), topics.input(), records);

        long started = System.nanoTime();
        JobSetup setup = setup(config(topics)
                .model(model(MODEL))
                .windowSize(n)
                .stride(n)
                .checkpointIntervalMs(500)
                .bounded(true)
                .batchSize(4));
        assertThat(setup.windower().vocabSize()).isEqualTo(VOCAB);
        assertThat(setup.model().layers()).isEqualTo(LAYERS);
        runBounded(setup, 2);
        System.out.printf(
                "EncoderModelITCase: window-%d job ran in %d ms%n", n, (System.nanoTime() - started) / 1_000_000);

        List<AttentionOutput> outputs = readCommitted(topics.output(), AttentionOutput.class);
        List<AttentionWeights> weights = readCommitted(topics.weights(), AttentionWeights.class);
        ExactlyOnce.Tally tally = ExactlyOnce.assertOutputs(topics, valid, n, n, MODEL, outputs, weights);
        assertThat(tally.expected()).isEqualTo(rows.size());

        String sha256 = sha256OfModelFile();
        assertThat(setup.modelSha256()).isEqualTo(sha256);
        for (Row row : rows) {
            AttentionOutput out = only(outputs, row.key(), AttentionOutput::getKey);
            AttentionWeights w = only(weights, row.key(), AttentionWeights::getKey);
            assertRecords(row, out, w, sha256);
            assertThat(w.getLayers()).as("layers of %s", row.key()).isEqualTo(LAYERS);
            assertThat(w.getLayerIndexes()).as("layer_indexes of %s", row.key()).containsExactly(0, 1, 2);
            int perLayer = HEADS * row.length() * row.length();
            assertThat(w.getWeights()).as("weights of %s", row.key()).hasSize(LAYERS * perLayer);
            float[] all = ExactlyOnce.floats(w.getWeights());
            for (int layer = 0; layer < LAYERS; layer++) {
                float[] got = Arrays.copyOfRange(all, layer * perLayer, (layer + 1) * perLayer);
                assertWeightsEqual(row, layer, got);
            }
        }

        assertOutOfRangeTokensAreDeadLetters(topics, withBadTokens, badIndexes, badBytes, at);
    }

    /**
     * Window 12 with {@code --weights-layers last}: the 40-token rows become windows 0–11, 12–23,
     * 24–35 and 36–39 (checked against the model run on each window), the shorter rows one window
     * each (checked against PyTorch); every weights record carries layer 2 only.
     */
    @Test
    void theLastLayerOnlyEqualsPyTorchsLastLayer() throws Exception {
        int n = 12;
        Topics topics = Topics.create("encoder-last");
        List<Event> valid = interleaved(rows);
        produce(topics, Streams.records(valid));

        long started = System.nanoTime();
        JobSetup setup = setup(config(topics)
                .model(model(MODEL))
                .windowSize(n)
                .stride(n)
                .weightsLayers(LayerSelection.LAST)
                .checkpointIntervalMs(500)
                .bounded(true)
                .batchSize(4));
        assertThat(setup.model().layers()).isEqualTo(1);
        runBounded(setup, 2);
        System.out.printf(
                "EncoderModelITCase: window-%d job ran in %d ms%n", n, (System.nanoTime() - started) / 1_000_000);

        List<AttentionOutput> outputs = readCommitted(topics.output(), AttentionOutput.class);
        List<AttentionWeights> weights = readCommitted(topics.weights(), AttentionWeights.class);
        ExactlyOnce.Tally tally = ExactlyOnce.assertOutputs(
                topics,
                valid,
                n,
                n,
                MODEL,
                ModelConfig.builder().weightsLayers(LayerSelection.LAST).build(),
                outputs,
                weights);
        assertThat(tally.expected())
                .as("4 windows of each 40-token row, 1 of each other")
                .isEqualTo(2 * 4 + 4);
        assertThat(weights).allSatisfy(w -> {
            assertThat(w.getLayers()).as("layers of %s", w.getKey()).isEqualTo(1);
            assertThat(w.getLayerIndexes())
                    .as("layer_indexes of %s", w.getKey())
                    .containsExactly(LAYERS - 1);
            assertThat(w.getHeads()).isEqualTo(HEADS);
            assertThat(w.getWeights()).hasSize(HEADS * w.getLength() * w.getLength());
        });

        String sha256 = sha256OfModelFile();
        for (Row row : rows) {
            if (row.length() > n) {
                continue;
            }
            AttentionOutput out = only(outputs, row.key(), AttentionOutput::getKey);
            AttentionWeights w = only(weights, row.key(), AttentionWeights::getKey);
            assertRecords(row, out, w, sha256);
            assertWeightsEqual(row, LAYERS - 1, ExactlyOnce.floats(w.getWeights()));
        }
    }

    private static void assertRecords(Row row, AttentionOutput out, AttentionWeights w, String sha256) {
        String key = row.key();
        assertThat(out.getWindowStartPosition()).as(key).isZero();
        assertThat(out.getWindowEndPosition()).as(key).isEqualTo(row.length() - 1);
        assertThat(out.getLength()).as(key).isEqualTo(row.length());
        assertThat(out.getRows()).as(key).isEqualTo(row.length());
        assertThat(out.getDim()).as(key).isEqualTo(HIDDEN);
        assertThat(out.getModel()).as(key).isEqualTo(MODEL);
        assertThat(out.getModelSha256()).as("model_sha256 of %s", key).isEqualTo(sha256);
        float outDiff = maxAbsDiff(ExactlyOnce.floats(out.getOutput()), row.hiddenState());
        assertThat(outDiff).as("last_hidden_state of %s", key).isLessThanOrEqualTo(OUTPUT_TOLERANCE);
        maxOutputDiff = Math.max(maxOutputDiff, outDiff);
        windowsCompared++;

        assertThat(w.getLength()).as(key).isEqualTo(row.length());
        assertThat(w.getHeads()).as(key).isEqualTo(HEADS);
        assertThat(w.getQueryRows()).as(key).isEqualTo(row.length());
        assertThat(w.getModel()).as(key).isEqualTo(MODEL);
        assertThat(w.getModelSha256()).as("model_sha256 of %s", key).isEqualTo(sha256);
    }

    private static void assertWeightsEqual(Row row, int layer, float[] got) {
        float diff = maxAbsDiff(got, row.attention(layer));
        assertThat(diff)
                .as("attentions_%d of %s (length %d)", layer, row.key(), row.length())
                .isLessThanOrEqualTo(WEIGHTS_TOLERANCE);
        maxWeightsDiff = Math.max(maxWeightsDiff, diff);
    }

    private static void assertOutOfRangeTokensAreDeadLetters(
            Topics topics,
            Row row,
            List<Integer> badIndexes,
            List<byte[]> badBytes,
            List<KeyedProducer.Coordinates> at) {
        List<RejectedRecord> dead = readCommitted(topics.dlq(), RejectedRecord.class);
        assertThat(dead)
                .as("one dead letter per out-of-range token, nothing else")
                .hasSize(2);
        Map<KeyedProducer.Coordinates, RejectedRecord> byCoordinates = new LinkedHashMap<>();
        for (RejectedRecord d : dead) {
            assertThat(byCoordinates.put(new KeyedProducer.Coordinates(d.getSourcePartition(), d.getSourceOffset()), d))
                    .as("one dead letter per source record")
                    .isNull();
        }
        long[] tokens = {VOCAB, 5000};
        for (int i = 0; i < badIndexes.size(); i++) {
            KeyedProducer.Coordinates coordinates = at.get(badIndexes.get(i));
            RejectedRecord d = byCoordinates.get(coordinates);
            assertThat(d)
                    .as("dead letter of token %d at %s", tokens[i], coordinates)
                    .isNotNull();
            assertThat(d.getReason()).isEqualTo(RejectReason.TOKEN_OUT_OF_RANGE);
            assertThat(d.getSourceTopic()).isEqualTo(topics.input());
            assertThat(d.getKey()).isEqualTo(row.key());
            assertThat(d.getMessage()).contains(Long.toString(tokens[i])).contains(Integer.toString(VOCAB));
            assertThat(bytes(d.getValue()))
                    .as("original bytes of token %d", tokens[i])
                    .isEqualTo(badBytes.get(i));
        }
    }

    /** The rows' events, position by position across keys, so event time never goes backwards on a partition. */
    private static List<Event> interleaved(List<Row> rows) {
        List<List<Event>> perKey = rows.stream().map(Row::events).toList();
        int longest = perKey.stream().mapToInt(List::size).max().orElse(0);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < longest; i++) {
            for (List<Event> key : perKey) {
                if (i < key.size()) {
                    events.add(key.get(i));
                }
            }
        }
        return events;
    }

    private static <T> T only(List<T> records, String key, Function<T, String> keyOf) {
        List<T> found = records.stream().filter(r -> keyOf.apply(r).equals(key)).toList();
        assertThat(found).as("records of key %s", key).hasSize(1);
        return found.get(0);
    }

    private static String sha256OfModelFile() throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(model(MODEL))));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
