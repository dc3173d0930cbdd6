package io.attentionstream.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.avro.RejectReason;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.SequenceEventCodec;
import io.attentionstream.core.window.Window;
import io.attentionstream.job.AttentionJob;
import io.attentionstream.job.JobSetup;
import io.attentionstream.job.StartupChecks;
import io.attentionstream.tools.demo.SampleStream;
import io.attentionstream.tools.kafka.AvroRecords;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * Every kind of bad input, mixed into good streams of a running job: each bad record reaches the
 * dead-letter topic exactly once with its reason and its source coordinates, the good records'
 * windows all arrive exactly once, and the job never restarts (it is allowed none).
 */
class BadInputITCase extends PipelineTestBase {
    private static final int N = 6;
    private static final int S = 3;
    private static final int DIM = 64;
    private static final long T0 = 1_700_000_000_000L;

    /** A bad record and the reason it must be rejected for. */
    record Bad(String what, byte[] key, byte[] value, RejectReason reason) {}

    @Test
    void badFeatureRecordsAreSetAsideAndGoodOnesFlow() throws Exception {
        List<Event> good =
                Streams.endingEveryKey(new SampleStream(InputKind.FEATURES, 4, 30, DIM, 1000, 0, 21).events());
        String key = good.get(0).key; // sensor-0, whose positions 0..29 are good
        List<Bad> before = List.of(
                bad("random bytes", key, randomBytes(53), RejectReason.MALFORMED),
                bad(
                        "truncated Avro",
                        key,
                        Arrays.copyOf(SequenceEventCodec.encode(features(key, 100, T0, DIM)), 20),
                        RejectReason.MALFORMED),
                bad("another schema", key, otherSchema(), RejectReason.MALFORMED),
                new Bad("tombstone", key.getBytes(StandardCharsets.UTF_8), null, RejectReason.MALFORMED),
                bad(
                        "missing payload",
                        key,
                        SequenceEventCodec.encode(event(key, 101, T0)),
                        RejectReason.MISSING_PAYLOAD),
                bad(
                        "features and token",
                        key,
                        SequenceEventCodec.encode(bothPayloads(key, 102)),
                        RejectReason.WRONG_INPUT_KIND),
                bad(
                        "token on a feature stream",
                        key,
                        SequenceEventCodec.encode(Event.ofToken(key, 103, T0, 7)),
                        RejectReason.WRONG_INPUT_KIND),
                bad(
                        "wrong dimension",
                        key,
                        SequenceEventCodec.encode(features(key, 104, T0, DIM - 1)),
                        RejectReason.BAD_DIMENSION),
                bad(
                        "NaN",
                        key,
                        SequenceEventCodec.encode(withValue(features(key, 105, T0, DIM), Float.NaN)),
                        RejectReason.NON_FINITE),
                bad(
                        "+Inf",
                        key,
                        SequenceEventCodec.encode(withValue(features(key, 106, T0, DIM), Float.POSITIVE_INFINITY)),
                        RejectReason.NON_FINITE),
                bad(
                        "-Inf",
                        key,
                        SequenceEventCodec.encode(withValue(features(key, 107, T0, DIM), Float.NEGATIVE_INFINITY)),
                        RejectReason.NON_FINITE),
                bad(
                        "negative position",
                        "fresh-key",
                        SequenceEventCodec.encode(features("fresh-key", -5, T0, DIM)),
                        RejectReason.OUT_OF_ORDER),
                bad("oversized", key, SequenceEventCodec.encode(features(key, 108, T0, 2000)), RejectReason.OVERSIZED));
        // After the first half of the good stream: positions the key already had.
        List<Bad> after = List.of(
                bad(
                        "repeated position",
                        key,
                        SequenceEventCodec.encode(features(key, 3, T0 + 300, DIM)),
                        RejectReason.OUT_OF_ORDER),
                bad(
                        "decreasing position",
                        key,
                        SequenceEventCodec.encode(features(key, 1, T0 + 100, DIM)),
                        RejectReason.OUT_OF_ORDER),
                bad("late", key, SequenceEventCodec.encode(features(key, 10_000, 1L, DIM)), RejectReason.LATE));
        runAndCheck(InputKind.FEATURES, "feature_attention", good, before, after);
    }

    @Test
    void badTokenRecordsAreSetAsideAndGoodOnesFlow() throws Exception {
        List<Event> good = Streams.endingEveryKey(new SampleStream(InputKind.TOKENS, 3, 20, DIM, 1000, 0, 22).events());
        String key = good.get(0).key;
        List<Bad> before = List.of(
                bad(
                        "token above the vocabulary",
                        key,
                        SequenceEventCodec.encode(Event.ofToken(key, 100, T0, 1000)),
                        RejectReason.TOKEN_OUT_OF_RANGE),
                bad(
                        "negative token",
                        key,
                        SequenceEventCodec.encode(Event.ofToken(key, 101, T0, -1)),
                        RejectReason.TOKEN_OUT_OF_RANGE),
                bad(
                        "features on a token stream",
                        key,
                        SequenceEventCodec.encode(features(key, 102, T0, DIM)),
                        RejectReason.WRONG_INPUT_KIND));
        runAndCheck(InputKind.TOKENS, "token_attention", good, before, List.of());
    }

    private void runAndCheck(InputKind kind, String modelName, List<Event> good, List<Bad> before, List<Bad> after)
            throws Exception {
        Topics topics = Topics.create("bad-" + kind.cliName());
        JobSetup setup = setup(config(topics)
                .model(model(modelName))
                .windowSize(N)
                .stride(S)
                .checkpointIntervalMs(300)
                .maxRecordBytes(4096)
                .parallelism(2));
        StartupChecks.check(setup, Duration.ofSeconds(30));
        JobClient job = AttentionJob.kafka(setup).start(environment(2));
        Map<KeyedProducer.Coordinates, Bad> badAt = new LinkedHashMap<>();
        List<Window> expected = ReferenceWindows.of(good, N, S);
        try {
            int half = good.size() / 2;
            send(topics, Streams.records(good.subList(0, half)), List.of());
            send(topics, List.of(), before).forEach(badAt::put);
            // The watermark has passed the first half once its windows are committed: the late event is late.
            awaitCommitted(topics.output(), 1);
            send(topics, List.of(), after).forEach(badAt::put);
            send(topics, Streams.records(good.subList(half, good.size())), List.of());
            awaitCommitted(topics.output(), expected.size());
            awaitCommitted(topics.dlq(), badAt.size());
            assertThat(job.getJobStatus().get())
                    .as("the job never failed (it has no restarts)")
                    .isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get();
        }

        Map<KeyedProducer.Coordinates, RejectReason> rejected = new LinkedHashMap<>();
        for (RejectedRecord d : readCommitted(topics.dlq(), RejectedRecord.class)) {
            assertThat(d.getSourceTopic()).isEqualTo(topics.input());
            KeyedProducer.Coordinates at = new KeyedProducer.Coordinates(d.getSourcePartition(), d.getSourceOffset());
            assertThat(rejected.put(at, d.getReason()))
                    .as("dead letter for %s only once", at)
                    .isNull();
            Bad bad = badAt.get(at);
            assertThat(bad)
                    .as("a dead letter for a record that was bad: %s %s", at, d)
                    .isNotNull();
            assertThat(d.getMessage()).as(bad.what()).isNotBlank();
            if (bad.value() != null
                    && (d.getReason() == RejectReason.MALFORMED || d.getReason() == RejectReason.OVERSIZED)) {
                assertThat(bytes(d.getValue()))
                        .as("original bytes of %s", bad.what())
                        .isEqualTo(bad.value());
            }
        }
        Map<KeyedProducer.Coordinates, RejectReason> expectedReasons = new LinkedHashMap<>();
        badAt.forEach((at, bad) -> expectedReasons.put(at, bad.reason()));
        assertThat(rejected).as("every bad record once, with its reason").isEqualTo(expectedReasons);
        ExactlyOnce.assertOutputs(
                topics,
                good,
                N,
                S,
                modelName,
                readCommitted(topics.output(), AttentionOutput.class),
                readCommitted(topics.weights(), AttentionWeights.class));
    }

    private static Map<KeyedProducer.Coordinates, Bad> send(
            Topics topics, List<SampleStream.Record> goodRecords, List<Bad> bads) {
        List<SampleStream.Record> records = new ArrayList<>(goodRecords);
        bads.forEach(b -> records.add(new SampleStream.Record(b.key(), b.value())));
        List<KeyedProducer.Coordinates> at = KeyedProducer.send(kafka.clientProperties(), topics.input(), records);
        Map<KeyedProducer.Coordinates, Bad> badAt = new LinkedHashMap<>();
        for (int i = 0; i < bads.size(); i++) {
            badAt.put(at.get(goodRecords.size() + i), bads.get(i));
        }
        return badAt;
    }

    private static Bad bad(String what, String key, byte[] value, RejectReason reason) {
        return new Bad(what, key.getBytes(StandardCharsets.UTF_8), value, reason);
    }

    private static Event event(String key, long position, long timestamp) {
        Event e = new Event();
        e.key = key;
        e.position = position;
        e.timestamp = timestamp;
        return e;
    }

    private static Event features(String key, long position, long timestamp, int dim) {
        float[] v = new float[dim];
        Arrays.fill(v, 0.25f);
        return Event.ofFeatures(key, position, timestamp, v);
    }

    private static Event bothPayloads(String key, long position) {
        Event e = features(key, position, T0, DIM);
        e.token = 5L;
        return e;
    }

    private static Event withValue(Event e, float value) {
        e.features[e.features.length / 2] = value;
        return e;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(99).nextBytes(b);
        return b;
    }

    /** An AttentionOutput datum: valid Avro, but not a SequenceEvent. */
    private static byte[] otherSchema() {
        return AvroRecords.encode(AttentionOutput.newBuilder()
                .setKey("k")
                .setWindowStartPosition(10)
                .setWindowEndPosition(13)
                .setWindowStartTimestamp(5)
                .setWindowEndTimestamp(6)
                .setLength(4)
                .setRows(1)
                .setDim(2)
                .setOutput(List.of(1f, 2f))
                .setModel("m")
                .setModelSha256("00")
                .build());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
