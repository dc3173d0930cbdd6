package io.attentionstream.core.incremental;

import static io.attentionstream.core.golden.Tolerance.VS_PYTORCH;
import static io.attentionstream.core.golden.Tolerance.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.core.golden.GoldenCase;
import io.attentionstream.core.model.ModelConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Caches kept resident in the model's input layout give the same results as caches copied into
 * each batch, through ring wrap-around, eviction, stale rows and spans with idle rows; and they
 * are copied only when they are not resident.
 */
class ResidentRowsTest {
    private static final Path INCREMENTAL = GoldenCase.modelFile(IncrementalGolden.MODEL);
    /** Resident and copied runs see the same inputs; only summation order may differ. */
    private static final float SAME_INPUTS = 1e-6f;

    private IncrementalAttentionModel resident;
    private IncrementalAttentionModel copied;

    @BeforeEach
    void load() {
        resident = IncrementalAttentionModel.load(INCREMENTAL, ModelConfig.defaults());
        copied = IncrementalAttentionModel.load(INCREMENTAL, ModelConfig.defaults());
    }

    @AfterEach
    void close() {
        resident.close();
        copied.close();
    }

    @Test
    void keysThatStayResidentAreCopiedInOnceAndEqualCopiedRunsThroughRingWrapAround() {
        resident.keepResident(7, 8);
        Stream stream = new Stream(5, 7, 1);

        for (int wave = 0; wave < 40; wave++) {
            stream.runWave(stream.shuffledKeys());
        }

        // A cache becomes resident once half full (4 of 7 entries), then every append keeps its row current.
        assertThat(resident.residentCopies()).isEqualTo(5);
        assertThat(resident.residentRows()).isEqualTo(5);
        assertThat(stream.compared).isEqualTo(200);
    }

    @Test
    void moreKeysThanRowsEvictTheLeastRecentlyUsedAndStillEqualCopiedRuns() {
        resident.keepResident(6, 3);
        Stream stream = new Stream(7, 6, 2);

        for (int wave = 0; wave < 30; wave++) {
            List<Integer> keys = stream.shuffledKeys().subList(0, 3);
            stream.runWave(keys);
        }

        assertThat(resident.residentRows()).isEqualTo(3);
        assertThat(resident.residentCopies()).isGreaterThan(7);
    }

    @Test
    void aCacheChangedOrReplacedBehindTheRowsIsCopiedAgain() {
        resident.keepResident(5, 4);
        Stream stream = new Stream(2, 5, 3);
        for (int wave = 0; wave < 8; wave++) {
            stream.runWave(List.of(0, 1));
        }
        long copies = resident.residentCopies();

        // Key 0 gains an entry the rows never saw; key 1 is flushed and refilled under a new id.
        stream.caches.get(0).append(999, 999, stream.randomEntry(), stream.randomEntry());
        stream.caches.remove(1);
        for (int wave = 0; wave < 8; wave++) {
            stream.runWave(List.of(0, 1));
        }

        assertThat(resident.residentCopies()).isEqualTo(copies + 2);
    }

    @Test
    void idleRowsInsideASpanAreComputedAndIgnored() {
        resident.keepResident(6, 8);
        Stream stream = new Stream(6, 6, 4);
        for (int wave = 0; wave < 6; wave++) {
            stream.runWave(List.of(0, 1, 2, 3, 4, 5));
        }

        // Rows 1, 3 and 4 sit between the steps' rows: one run over rows 0..5.
        for (int wave = 0; wave < 5; wave++) {
            IncrementalInference inference = stream.runWave(List.of(0, 2, 5));
            assertThat(inference.runs()).isEqualTo(1);
            assertThat(inference.paddedSlots()).isEqualTo(6 * 6);
        }
    }

    @Test
    void theSameCacheTwiceInOneRunIsNotPutInOneRowTwice() {
        resident.keepResident(5, 4);
        Stream stream = new Stream(1, 5, 5);
        for (int wave = 0; wave < 4; wave++) {
            stream.runWave(List.of(0));
        }
        KeyValueCache cache = stream.caches.get(0);
        List<IncrementalStep> twice = List.of(
                new IncrementalStep(stream.randomEntry(), cache), new IncrementalStep(stream.randomEntry(), cache));

        List<StepResult> expected = copied.run(twice).results();
        List<StepResult> actual = resident.run(twice).results();

        for (int i = 0; i < 2; i++) {
            assertThat(maxAbsDiff(actual.get(i).output(), expected.get(i).output()))
                    .as("step %d", i)
                    .isLessThanOrEqualTo(SAME_INPUTS);
        }
    }

    @Test
    void spansAreCutWhereIdleRowsWouldCostMoreThanARun() {
        List<Integer> steps = List.of(10, 11, 12, 13);

        // Limit 63: an idle row costs 64 slots, a run 192. One idle row is kept, seven are not.
        List<IncrementalAttentionModel.Span> spans =
                IncrementalAttentionModel.spans(steps, new int[] {10, 0, 2, 1}, 63);

        assertThat(spans).hasSize(2);
        assertThat(spans.get(0).first()).isZero();
        assertThat(spans.get(0).count()).isEqualTo(3);
        assertThat(spans.get(0).steps()).containsExactly(11, 13, 12);
        assertThat(spans.get(0).rows()).containsExactly(0, 1, 2);
        assertThat(spans.get(1).first()).isEqualTo(10);
        assertThat(spans.get(1).count()).isEqualTo(1);
        assertThat(spans.get(1).steps()).containsExactly(10);
    }

    @Test
    void aResidentFullCacheAmongCopiedShortOnesEqualsPyTorch() {
        IncrementalGolden c = IncrementalGolden.all().stream()
                .filter(g -> g.name().equals("b3_past63_masked"))
                .findFirst()
                .orElseThrow();
        resident.keepResident(63, 4);
        List<IncrementalStep> steps =
                IntStream.range(0, c.batch()).mapToObj(c::step).toList();

        IncrementalInference inference = resident.run(steps);

        // Row 0 holds 63 entries (resident), rows 1 and 2 hold 20 and 0 (copied, one group).
        assertThat(resident.residentCopies()).isEqualTo(1);
        assertThat(inference.runs()).isEqualTo(2);
        for (int b = 0; b < c.batch(); b++) {
            StepResult r = inference.results().get(b);
            assertThat(maxAbsDiff(r.output(), c.expectedOutput(b)))
                    .as("%s row %d output", c, b)
                    .isLessThanOrEqualTo(VS_PYTORCH);
            assertThat(maxAbsDiff(r.weights(), c.expectedWeights(b)))
                    .as("%s row %d weights", c, b)
                    .isLessThanOrEqualTo(VS_PYTORCH);
        }
    }

    /** Keys with caches, run through both models wave by wave; results compared step by step. */
    private final class Stream {
        final Map<Integer, KeyValueCache> caches = new HashMap<>();
        final int keys;
        final int limit;
        final Random random;
        final Map<Integer, Long> positions = new HashMap<>();
        int compared;

        Stream(int keys, int limit, long seed) {
            this.keys = keys;
            this.limit = limit;
            this.random = new Random(seed);
        }

        List<Integer> shuffledKeys() {
            List<Integer> order =
                    new ArrayList<>(IntStream.range(0, keys).boxed().toList());
            Collections.shuffle(order, random);
            return order;
        }

        float[] randomEntry() {
            float[] entry = new float[64];
            for (int i = 0; i < entry.length; i++) {
                entry[i] = (float) random.nextGaussian();
            }
            return entry;
        }

        IncrementalInference runWave(List<Integer> waveKeys) {
            List<IncrementalStep> steps = new ArrayList<>();
            for (int key : waveKeys) {
                steps.add(new IncrementalStep(randomEntry(), caches.get(key)));
            }
            IncrementalInference expected = copied.run(steps);
            IncrementalInference actual = resident.run(steps);
            for (int i = 0; i < steps.size(); i++) {
                StepResult e = expected.results().get(i);
                StepResult a = actual.results().get(i);
                String what = "key " + waveKeys.get(i) + " with " + steps.get(i).pastLength() + " cached";
                assertThat(a.length()).as(what).isEqualTo(e.length());
                assertThat(maxAbsDiff(a.output(), e.output()))
                        .as(what + " output")
                        .isLessThanOrEqualTo(SAME_INPUTS);
                assertThat(maxAbsDiff(a.weights(), e.weights()))
                        .as(what + " weights")
                        .isLessThanOrEqualTo(SAME_INPUTS);
                assertThat(maxAbsDiff(a.newKey(), e.newKey())).as(what + " key").isLessThanOrEqualTo(SAME_INPUTS);
                assertThat(maxAbsDiff(a.newValue(), e.newValue()))
                        .as(what + " value")
                        .isLessThanOrEqualTo(SAME_INPUTS);
                KeyValueCache cache = caches.computeIfAbsent(waveKeys.get(i), k -> KeyValueCache.create(limit, 4, 16));
                long position = positions.merge(waveKeys.get(i), 1L, Long::sum);
                cache.append(position, position, e.newKey(), e.newValue());
                compared++;
            }
            return actual;
        }
    }
}
