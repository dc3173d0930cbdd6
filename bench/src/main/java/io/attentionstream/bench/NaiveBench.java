package io.attentionstream.bench;

import io.attentionstream.core.model.AttentionModel;
import io.attentionstream.core.window.Window;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The {@code naive} path: {@link NaiveWindowInference} on the same windows, one per run(). */
final class NaiveBench {
    private static final int WINDOWS = 32;

    private NaiveBench() {}

    static PathResult run(Path modelFile, int heads, int n, BenchSettings s, Machine machine) throws Exception {
        List<Window> windows = new SyntheticStream(s.dim(), 7).windows(WINDOWS, n);
        try (NaiveWindowInference naive = new NaiveWindowInference(
                AttentionModel.readModelFile(modelFile), s.threads(), s.dim())) {
            int[] next = {0};
            TimedLoop.Measured m = TimedLoop.run(() -> {
                naive.infer(windows.get(next[0]++ % WINDOWS), s.outputRows(), s.weights());
                return 1;
            }, Duration.ofSeconds(s.warmupS()), Duration.ofSeconds(s.durationS()));
            return new PathResult(BenchPath.NAIVE.cliName(), n, s.dim(), heads, m.windows(), m.seconds(),
                    m.stepLatencies().percentileMillis(0.50), m.stepLatencies().percentileMillis(0.99),
                    "one run() of one window", m.cpuSeconds(),
                    AttentionFlops.fractionOfPeak(m.windows() / m.seconds(), n, s.dim(), machine.peakFlops()), 1,
                    Map.of("model", modelFile.getFileName().toString(), "batch_size", 1,
                            "intra_op_threads", s.threads(), "weights", s.weights().cliName(),
                            "output_rows", s.outputRows().cliName(),
                            "implementation", "nested float[][][] arrays, new tensors per run(), getValue()"), Map.of());
        }
    }
}
