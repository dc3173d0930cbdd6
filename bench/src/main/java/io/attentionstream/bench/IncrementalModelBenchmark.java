package io.attentionstream.bench;

import io.attentionstream.core.incremental.IncrementalAttentionModel;
import io.attentionstream.core.incremental.IncrementalStep;
import io.attentionstream.core.incremental.KeyValueCache;
import io.attentionstream.core.incremental.StepResult;
import io.attentionstream.core.model.ModelConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The incremental model alone, as the {@code incremental} path's operator runs it: one
 * {@code run()} of one event per key for up to {@code batchSize} keys, on full key/value caches
 * kept resident, each run's new keys and values appended. It bounds that path's rate from above.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IncrementalModelBenchmark {
    @Param("models/incremental_feature_attention.onnx")
    public String model;

    @Param("64")
    public int n;

    @Param("16")
    public int keys;

    @Param("16")
    public int batchSize;

    @Param("1")
    public int threads;

    private IncrementalAttentionModel incremental;
    private SyntheticStream stream;
    private final List<KeyValueCache> caches = new ArrayList<>();
    private int wave;
    private long next;

    @Setup(Level.Trial)
    public void load() throws Exception {
        incremental = IncrementalAttentionModel.load(
                Path.of(model), ModelConfig.builder().intraOpThreads(threads).build());
        int heads = incremental.signature().heads();
        int headDim = incremental.signature().headDim();
        wave = Math.min(keys, batchSize);
        incremental.keepResident(n - 1, keys);
        stream = new SyntheticStream(incremental.signature().featureDim(), 13);
        for (int k = 0; k < keys; k++) {
            KeyValueCache cache = KeyValueCache.create(n - 1, heads, headDim);
            for (int i = 0; i < n - 1; i++) {
                cache.append(i, i, stream.vector(i + k), stream.vector(i + k + 1));
            }
            caches.add(cache);
        }
    }

    @Benchmark
    public Object run(CpuCounters counters) throws Exception {
        List<IncrementalStep> steps = new ArrayList<>(wave);
        for (int j = 0; j < wave; j++) {
            steps.add(new IncrementalStep(stream.vector(next + j), caches.get((int) ((next + j) % keys))));
        }
        List<StepResult> results = incremental.run(steps).results();
        for (int j = 0; j < wave; j++) {
            steps.get(j)
                    .past()
                    .append(
                            next + j,
                            next + j,
                            results.get(j).newKey(),
                            results.get(j).newValue());
        }
        next += wave;
        counters.windows += wave;
        return results;
    }

    @TearDown(Level.Trial)
    public void close() {
        incremental.close();
    }
}
