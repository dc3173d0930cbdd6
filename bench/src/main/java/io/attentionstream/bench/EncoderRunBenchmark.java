package io.attentionstream.bench;

import io.attentionstream.core.model.AttentionModel;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.model.ModelSignature.AttentionSource;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.core.window.Window;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
 * The {@code minilm} path: a pretrained tokens encoder (all-MiniLM-L6-v2) through {@link
 * AttentionModel#run} on pre-built batches of B full token windows, as {@code BatchedAttention}
 * calls it. One benchmark operation is one {@code AttentionModel.run} call; a dynamically quantized
 * model makes B ONNX Runtime runs of one window in it. Parameters come from {@link JmhPaths}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EncoderRunBenchmark {
    /** Distinct batches cycled through, so the input is not always the same memory. */
    private static final int BATCHES = 4;

    @Param("tools/target/pretrained/all-minilm-l6-v2.onnx")
    public String model;

    @Param("128")
    public int n;

    @Param("8")
    public int batchSize;

    @Param("1")
    public int threads;

    /** {@code exposed}, {@code exposed-unread} or {@code none}: see {@link MiniLmPath.Attention}. */
    @Param("exposed")
    public String attention;

    @Param("all")
    public String outputRows;

    private AttentionModel encoder;
    private final List<List<Window>> batches = new ArrayList<>();
    private WeightsMode weightsMode;
    private OutputRows rows;
    private int next;

    @Setup(Level.Trial)
    public void load() {
        MiniLmPath.Attention a = MiniLmPath.Attention.fromCliName(attention);
        encoder = AttentionModel.load(
                Path.of(model),
                ModelConfig.builder()
                        .expectedKind(InputKind.TOKENS)
                        .intraOpThreads(threads)
                        .attentionWanted(a.wanted)
                        .build());
        AttentionSource expected = a.wanted ? AttentionSource.EXPOSED : AttentionSource.NONE;
        if (encoder.signature().attention() != expected) {
            throw new IllegalStateException(
                    "Expected attention " + expected + " for '" + attention + "', got " + encoder.signature());
        }
        List<Window> windows = tokenWindows(BATCHES * batchSize, n, 11);
        for (int b = 0; b < BATCHES; b++) {
            batches.add(windows.subList(b * batchSize, (b + 1) * batchSize));
        }
        weightsMode = a.weights;
        rows = OutputRows.fromCliName(outputRows);
    }

    /** {@code count} full windows of {@code n} token ids drawn uniformly from MiniLmPath's range. */
    static List<Window> tokenWindows(int count, int n, long seed) {
        Random random = new Random(seed);
        List<Window> windows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long[] tokens = new long[n];
            for (int t = 0; t < n; t++) {
                tokens[t] = MiniLmPath.TOKEN_ID_MIN + random.nextInt(MiniLmPath.TOKEN_ID_END - MiniLmPath.TOKEN_ID_MIN);
            }
            windows.add(Window.ofTokens(SyntheticStream.keyName(i), 0, n - 1, 0, n - 1, n, tokens));
        }
        return windows;
    }

    @Benchmark
    public Object run(CpuCounters counters) {
        Object inference = encoder.run(batches.get(next++ % BATCHES), rows, weightsMode);
        counters.windows += batchSize;
        return inference;
    }

    @TearDown(Level.Trial)
    public void close() {
        encoder.close();
    }
}
