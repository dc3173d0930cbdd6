package io.attentionstream.bench;

import io.attentionstream.core.model.AttentionModel;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.core.window.Window;
import java.nio.file.Path;
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

/** The {@code naive} path: {@link NaiveWindowInference} on the same windows, one window per {@code run()}. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class NaiveBenchmark {
    private static final int WINDOWS = 32;

    @Param("models/feature_attention.onnx")
    public String model;

    @Param("64")
    public int n;

    @Param("64")
    public int dim;

    @Param("1")
    public int threads;

    @Param("last-row")
    public String weights;

    @Param("last")
    public String outputRows;

    private NaiveWindowInference naive;
    private List<Window> windows;
    private WeightsMode weightsMode;
    private OutputRows rows;
    private int next;

    @Setup(Level.Trial)
    public void load() throws Exception {
        naive = new NaiveWindowInference(AttentionModel.readModelFile(Path.of(model)), threads, dim);
        windows = new SyntheticStream(dim, 7).windows(WINDOWS, n);
        weightsMode = WeightsMode.fromCliName(weights);
        rows = OutputRows.fromCliName(outputRows);
    }

    @Benchmark
    public Object run(CpuCounters counters) throws Exception {
        Object inference = naive.infer(windows.get(next++ % WINDOWS), rows, weightsMode);
        counters.windows++;
        return inference;
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        naive.close();
    }
}
