package io.attentionstream.bench;

import io.attentionstream.core.incremental.IncrementalAttentionModel;
import io.attentionstream.core.incremental.IncrementalStep;
import io.attentionstream.core.incremental.KeyValueCache;
import io.attentionstream.core.incremental.StepResult;
import io.attentionstream.core.model.ModelConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Events per second of the incremental model alone, on full caches kept resident, as the
 * {@code incremental} path's operator runs it: an upper bound of that path's rate, which sizes its
 * generated stream (a stream sized from a guess too low would end before the warm-up does).
 */
final class IncrementalModelRate {
    private static final long WARMUP_NANOS = 500_000_000L;
    private static final long MEASURE_NANOS = 1_000_000_000L;

    private IncrementalModelRate() {}

    static double eventsPerSecond(Path modelFile, int n, int keys, int batchSize, int threads) {
        try (IncrementalAttentionModel model = IncrementalAttentionModel.load(modelFile,
                ModelConfig.builder().intraOpThreads(threads).build())) {
            int heads = model.signature().heads();
            int headDim = model.signature().headDim();
            int wave = Math.min(keys, batchSize);
            model.keepResident(n - 1, Math.max(keys, 1));
            SyntheticStream stream = new SyntheticStream(model.signature().featureDim(), 13);
            List<KeyValueCache> caches = new ArrayList<>();
            for (int k = 0; k < keys; k++) {
                KeyValueCache cache = KeyValueCache.create(n - 1, heads, headDim);
                for (int i = 0; i < n - 1; i++) {
                    cache.append(i, i, stream.vector(i + k), stream.vector(i + k + 1));
                }
                caches.add(cache);
            }
            long events = 0;
            long start = System.nanoTime();
            long measuredFrom = -1;
            long measuredEvents = 0;
            for (long next = 0; ; next += wave) {
                List<IncrementalStep> steps = new ArrayList<>(wave);
                for (int j = 0; j < wave; j++) {
                    steps.add(new IncrementalStep(stream.vector(next + j), caches.get((int) ((next + j) % keys))));
                }
                List<StepResult> results = model.run(steps).results();
                for (int j = 0; j < wave; j++) {
                    steps.get(j).past().append(next + j, next + j, results.get(j).newKey(), results.get(j).newValue());
                }
                events += wave;
                long now = System.nanoTime();
                if (measuredFrom < 0 && now - start >= WARMUP_NANOS) {
                    measuredFrom = now;
                    measuredEvents = events;
                } else if (measuredFrom >= 0 && now - measuredFrom >= MEASURE_NANOS) {
                    return (events - measuredEvents) / ((now - measuredFrom) / 1e9);
                }
            }
        }
    }
}
