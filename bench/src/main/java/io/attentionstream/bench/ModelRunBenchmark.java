package io.attentionstream.bench;

import io.attentionstream.core.model.AttentionModel;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.core.window.Window;
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
 * The {@code ort-bare} and {@code ort-floor} paths: {@link AttentionModel} alone on pre-built
 * batches of B full windows, the same Java path (direct buffers, pinned outputs, result extraction)
 * that {@code BatchedAttention} calls, with nothing around it. One benchmark operation is one
 * {@code run()}; JMH samples their times (p50, p99) and the windows/s follow from the mean.
 * Parameters come from {@link JmhRuns}; their defaults are the command's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ModelRunBenchmark {
    /** Distinct batches cycled through, so the input is not always the same memory. */
    private static final int BATCHES = 4;

    @Param("models/feature_attention.onnx")
    public String model;

    @Param("64")
    public int n;

    @Param("64")
    public int dim;

    @Param("8")
    public int batchSize;

    @Param("1")
    public int threads;

    @Param("last-row")
    public String weights;

    @Param("last")
    public String outputRows;

    private AttentionModel attention;
    private final List<List<Window>> batches = new ArrayList<>();
    private WeightsMode weightsMode;
    private OutputRows rows;
    private int next;

    @Setup(Level.Trial)
    public void load() throws Exception {
        attention = AttentionModel.load(
                Path.of(model),
                ModelConfig.builder()
                        .expectedKind(InputKind.FEATURES)
                        .expectedFeatureDim(dim)
                        .intraOpThreads(threads)
                        .build());
        List<Window> windows = new SyntheticStream(dim, 7).windows(BATCHES * batchSize, n);
        for (int b = 0; b < BATCHES; b++) {
            batches.add(windows.subList(b * batchSize, (b + 1) * batchSize));
        }
        weightsMode = WeightsMode.fromCliName(weights);
        rows = OutputRows.fromCliName(outputRows);
    }

    @Benchmark
    public Object run(CpuCounters counters) throws Exception {
        Object inference = attention.run(batches.get(next++ % BATCHES), rows, weightsMode);
        counters.windows += batchSize;
        return inference;
    }

    @TearDown(Level.Trial)
    public void close() {
        attention.close();
    }
}
