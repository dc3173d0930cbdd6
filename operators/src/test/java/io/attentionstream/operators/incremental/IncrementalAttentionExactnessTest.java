package io.attentionstream.operators.incremental;

import static io.attentionstream.core.golden.Tolerance.VS_PYTORCH;
import static io.attentionstream.core.golden.Tolerance.maxAbsDiff;
import static io.attentionstream.operators.incremental.IncrementalHarness.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.core.incremental.IncrementalConfig;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.Window;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exactness requirement: every incremental output and weights row equals the last row
 * of the full window model on the same window, within 1e-4, for interleaved keys batched together,
 * a key's first {@code n − 1} events, a flush in the middle and a key shorter than {@code n}; and a
 * restart from a snapshot changes nothing.
 */
class IncrementalAttentionExactnessTest {
    private static final Logger LOG = LoggerFactory.getLogger(IncrementalAttentionExactnessTest.class);
    private static final int N = 8;

    /**
     * Keys: "a" 20 events ending a sequence at position 11 (a flush in the middle), "b" 5 events
     * (shorter than n), "c" 30 events, "d" 12 events that end their sequence at the last one.
     * Interleaved at random, with runs of one key so that a batch often holds a key twice or more.
     */
    static List<Event> stream() {
        Map<String, List<Event>> perKey = new LinkedHashMap<>();
        perKey.put("a", events("a", 20, 11));
        perKey.put("b", events("b", 5, -1));
        perKey.put("c", events("c", 30, -1));
        perKey.put("d", events("d", 12, 11));
        Random random = new Random(42);
        List<String> keys = new ArrayList<>(perKey.keySet());
        Map<String, Integer> next = new HashMap<>();
        List<Event> stream = new ArrayList<>();
        while (!keys.isEmpty()) {
            String key = keys.get(random.nextInt(keys.size()));
            int run = 1 + random.nextInt(3);
            for (int i = 0;
                    i < run && next.getOrDefault(key, 0) < perKey.get(key).size();
                    i++) {
                stream.add(perKey.get(key).get(next.merge(key, 1, Integer::sum) - 1));
            }
            if (next.get(key) == perKey.get(key).size()) {
                keys.remove(key);
            }
        }
        return stream;
    }

    private static List<Event> events(String key, int count, int endOfSequenceAt) {
        List<Event> events = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            Event e = event(key, p);
            events.add(p == endOfSequenceAt ? e.endingSequence() : e);
        }
        return events;
    }

    @ParameterizedTest(name = "batch size {0}")
    @ValueSource(ints = {1, 5, 16})
    void everyOutputAndWeightsRowEqualsTheLastRowOfTheFullModelOnTheSameWindow(int batchSize) throws Exception {
        List<Event> stream = stream();
        ReferenceWindows reference = ReferenceWindows.of(stream, N);

        List<AttentionOutput> outputs;
        List<AttentionWeights> weights;
        try (IncrementalHarness h = IncrementalHarness.open(IncrementalHarness.config(N, batchSize))) {
            h.send(stream).endInput();
            outputs = h.outputs();
            weights = h.weights();
            assertThat(h.deadLetters()).isEmpty();
            // Caches read in place from the model's resident rows once half full (4 of 7 entries):
            // each is copied there once, "a" twice (its flush starts a new cache), never per event.
            assertThat(h.residentCopies())
                    .as("caches copied into resident rows")
                    .isEqualTo(5);
        }

        assertThat(outputs).hasSize(stream.size());
        assertThat(weights).hasSize(stream.size());
        float largest = 0;
        for (AttentionOutput out : outputs) {
            Window w = reference.windowOf(out);
            assertThat(out.getWindowStartPosition()).as("start of %s", w).isEqualTo(w.startPosition);
            assertThat(out.getWindowStartTimestamp()).as("start time of %s", w).isEqualTo(w.startTimestamp);
            assertThat(out.getWindowEndTimestamp()).as("end time of %s", w).isEqualTo(w.endTimestamp);
            assertThat(out.getLength()).as("length of %s", w).isEqualTo(w.length);
            assertThat(out.getRows()).isEqualTo(1);
            assertThat(out.getDim()).isEqualTo(64);
            float diff = reference.outputDiff(out);
            assertThat(diff).as("output of %s", w).isLessThanOrEqualTo(VS_PYTORCH);
            largest = Math.max(largest, diff);
        }
        for (AttentionWeights w : weights) {
            assertThat(w.getHeads()).isEqualTo(4);
            assertThat(w.getQueryRows()).isEqualTo(1);
            assertThat(w.getWeights()).hasSize(4 * w.getLength());
            float diff = reference.weightsDiff(w);
            assertThat(diff)
                    .as("weights of %s/%d", w.getKey(), w.getWindowEndPosition())
                    .isLessThanOrEqualTo(VS_PYTORCH);
            largest = Math.max(largest, diff);
        }
        assertThat(perKeyEndPositions(outputs))
                .as("one output per event, in each key's order")
                .isEqualTo(perKeyEndPositions(stream));
        LOG.info("Batch size {}: largest |incremental - last row of feature_attention| = {}", batchSize, largest);
    }

    @Test
    void theStreamCoversTheCasesItIsMeantTo() {
        List<Event> stream = stream();
        ReferenceWindows reference = ReferenceWindows.of(stream, N);
        // Windows shorter than n at every key's start, full ones, and a restart after a flush.
        assertThat(reference.windows.get("a/0").length).isEqualTo(1);
        assertThat(reference.windows.get("a/11").length).isEqualTo(N);
        assertThat(reference.windows.get("a/12").length).isEqualTo(1);
        assertThat(reference.windows.get("a/19").length).isEqualTo(N);
        assertThat(reference.windows.get("b/4").length).isEqualTo(5);
        // Runs of one key: a batch of 5 holds some key twice.
        boolean repeated = false;
        for (int i = 0; i + 5 <= stream.size(); i += 5) {
            repeated |=
                    stream.subList(i, i + 5).stream().map(e -> e.key).distinct().count() < 5;
        }
        assertThat(repeated).isTrue();
    }

    @Test
    void aRestartFromASnapshotContinuesWithTheSameCaches() throws Exception {
        List<Event> stream = stream();
        int cut = stream.size() / 2;
        IncrementalConfig config = IncrementalHarness.config(N, 5);

        List<AttentionOutput> uninterrupted;
        try (IncrementalHarness h = IncrementalHarness.open(config)) {
            h.send(stream).endInput();
            uninterrupted = h.outputs();
        }

        List<AttentionOutput> restarted = new ArrayList<>();
        List<AttentionOutput> afterRestart;
        OperatorSubtaskState snapshot;
        try (IncrementalHarness before = IncrementalHarness.open(config)) {
            before.send(stream.subList(0, cut));
            snapshot = before.checkpoint(1L);
            restarted.addAll(before.outputs());
            // Sent after the checkpoint, so lost with this task: the restored one must not know them.
            before.send(stream.subList(cut, stream.size()));
        }
        try (IncrementalHarness after = IncrementalHarness.restore(config, snapshot)) {
            after.send(stream.subList(cut, stream.size())).endInput();
            afterRestart = after.outputs();
            assertThat(after.deadLetters())
                    .as("positions after the snapshot are new to the restored task")
                    .isEmpty();
        }
        restarted.addAll(afterRestart);

        assertThat(restarted).hasSize(uninterrupted.size());
        Map<String, AttentionOutput> byWindow = new HashMap<>();
        for (AttentionOutput out : uninterrupted) {
            byWindow.put(ReferenceWindows.id(out.getKey(), out.getWindowEndPosition()), out);
        }
        for (AttentionOutput out : restarted) {
            AttentionOutput expected = byWindow.get(ReferenceWindows.id(out.getKey(), out.getWindowEndPosition()));
            assertThat(out.getWindowStartPosition()).isEqualTo(expected.getWindowStartPosition());
            assertThat(out.getLength()).isEqualTo(expected.getLength());
            assertThat(maxAbsDiff(
                            ReferenceWindows.floats(out.getOutput()), ReferenceWindows.floats(expected.getOutput())))
                    .as("%s/%d restarted vs uninterrupted", out.getKey(), out.getWindowEndPosition())
                    .isLessThanOrEqualTo(1e-5f);
        }
        assertThat(afterRestart)
                .as("a window after the restart holds events cached before it")
                .anySatisfy(out -> assertThat(out.getWindowStartPosition())
                        .isLessThan(firstPositionAfter(stream, cut, out.getKey())));
    }

    private static long firstPositionAfter(List<Event> stream, int cut, String key) {
        return stream.subList(cut, stream.size()).stream()
                .filter(e -> e.key.equals(key))
                .mapToLong(e -> e.position)
                .min()
                .orElse(Long.MAX_VALUE);
    }

    private static Map<String, List<Long>> perKeyEndPositions(List<?> records) {
        Map<String, List<Long>> positions = new TreeMap<>();
        for (Object r : records) {
            String key = r instanceof Event e ? e.key : ((AttentionOutput) r).getKey();
            long end = r instanceof Event e ? e.position : ((AttentionOutput) r).getWindowEndPosition();
            positions.computeIfAbsent(key, k -> new ArrayList<>()).add(end);
        }
        return positions;
    }
}
