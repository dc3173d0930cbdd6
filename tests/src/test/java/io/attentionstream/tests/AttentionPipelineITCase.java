package io.attentionstream.tests;

import static io.attentionstream.core.golden.Tolerance.VS_PYTORCH;
import static io.attentionstream.core.golden.Tolerance.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.avro.RejectReason;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.core.golden.GoldenCase;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.SequenceEventCodec;
import io.attentionstream.core.window.Window;
import io.attentionstream.job.JobSetup;
import io.attentionstream.job.kafka.DeadLetterHeaders;
import io.attentionstream.tools.demo.SampleStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole job against a real broker: every expected window arrives exactly once on the output
 * and weights topics (read_committed), equal to PyTorch's golden values and to the model run on
 * the reference window within 1e-4; bad records arrive on the dead-letter topic with their
 * reasons; the job runs without a restart (the local environment allows none).
 */
class AttentionPipelineITCase extends PipelineTestBase {
    private static final int N = 7;
    private static final int S = 3;

    @ParameterizedTest
    @EnumSource(InputKind.class)
    void everyWindowArrivesOnceWithPyTorchsValuesAndBadRecordsAreSetAside(InputKind kind) throws Exception {
        String modelName = kind == InputKind.FEATURES ? "feature_attention" : "token_attention";
        Topics topics = Topics.create("e2e-" + kind.cliName());
        SampleStream stream = new SampleStream(kind, 3, 40, 64, 1000, SampleStream.BAD_KINDS, 11);
        GoldenCase golden = GoldenCase.all(modelName).stream()
                .filter(c -> c.name().equals("b1_s7"))
                .findFirst()
                .orElseThrow();
        List<Event> goldenEvents = eventsOf(golden);

        List<SampleStream.Record> records = new ArrayList<>(stream.records());
        for (Event e : goldenEvents) {
            records.add(new SampleStream.Record(e.key.getBytes(StandardCharsets.UTF_8), SequenceEventCodec.encode(e)));
        }
        produce(topics, records);

        JobSetup setup = setup(config(topics)
                .model(model(modelName))
                .windowSize(N)
                .stride(S)
                .checkpointIntervalMs(500)
                .bounded(true)
                .batchSize(4));
        runBounded(setup, 2);

        List<Event> valid = new ArrayList<>(stream.events());
        valid.addAll(goldenEvents);
        List<AttentionOutput> outputs = readCommitted(topics.output(), AttentionOutput.class);
        List<AttentionWeights> weights = readCommitted(topics.weights(), AttentionWeights.class);

        ExactlyOnce.assertOutputs(topics, valid, N, S, modelName, outputs, weights);
        assertThat(outputs).allSatisfy(o -> assertThat(o.getModelSha256()).isEqualTo(setup.modelSha256()));
        assertGoldenWindowEqualsPyTorch(golden, outputs, weights);
        assertDeadLetters(kind, topics);
    }

    private static void assertGoldenWindowEqualsPyTorch(
            GoldenCase golden, List<AttentionOutput> outputs, List<AttentionWeights> weights) {
        String key = goldenKey(golden);
        AttentionOutput out =
                outputs.stream().filter(o -> o.getKey().equals(key)).findFirst().orElseThrow();
        AttentionWeights w =
                weights.stream().filter(x -> x.getKey().equals(key)).findFirst().orElseThrow();
        assertThat(maxAbsDiff(ExactlyOnce.floats(out.getOutput()), golden.expectedOutput(0)))
                .as("golden output")
                .isLessThanOrEqualTo(VS_PYTORCH);
        assertThat(maxAbsDiff(ExactlyOnce.floats(w.getWeights()), golden.expectedWeights(0)))
                .as("golden weights")
                .isLessThanOrEqualTo(VS_PYTORCH);
    }

    private static void assertDeadLetters(InputKind kind, Topics topics) {
        List<ConsumerRecord<byte[], byte[]>> raw = readCommittedRaw(topics.dlq());
        List<RejectedRecord> dead = readCommitted(topics.dlq(), RejectedRecord.class);
        Map<RejectReason, Long> byReason =
                dead.stream().collect(Collectors.groupingBy(RejectedRecord::getReason, Collectors.counting()));
        Map<RejectReason, Long> expected = new HashMap<>(
                Map.of(RejectReason.MALFORMED, 2L, RejectReason.OUT_OF_ORDER, 1L, RejectReason.MISSING_PAYLOAD, 1L));
        if (kind == InputKind.FEATURES) {
            expected.put(RejectReason.BAD_DIMENSION, 1L);
            expected.put(RejectReason.NON_FINITE, 1L);
        } else {
            expected.put(RejectReason.TOKEN_OUT_OF_RANGE, 1L);
            expected.put(RejectReason.WRONG_INPUT_KIND, 1L);
        }
        assertThat(byReason).isEqualTo(expected);
        for (int i = 0; i < dead.size(); i++) {
            RejectedRecord d = dead.get(i);
            assertThat(d.getSourceTopic()).isEqualTo(topics.input());
            assertThat(d.getSourceOffset()).isNotNull();
            assertThat(d.getMessage()).isNotBlank();
            assertThat(new String(
                            raw.get(i)
                                    .headers()
                                    .lastHeader(DeadLetterHeaders.HEADER_REASON)
                                    .value(),
                            StandardCharsets.UTF_8))
                    .isEqualTo(d.getReason().name());
        }
    }

    private static String goldenKey(GoldenCase c) {
        return "golden-" + c.name();
    }

    /** The golden case's single window as one key's events at positions 0.. */
    private static List<Event> eventsOf(GoldenCase c) {
        Window w = c.windows().get(0);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < w.length; i++) {
            long ts = 1_700_000_000_000L + i;
            events.add(
                    w.isTokens()
                            ? Event.ofToken(goldenKey(c), i, ts, w.tokens[i])
                            : Event.ofFeatures(
                                    goldenKey(c),
                                    i,
                                    ts,
                                    java.util.Arrays.copyOfRange(w.features, i * 64, (i + 1) * 64)));
        }
        return events;
    }
}
