package io.attentionstream.bench;

import io.attentionstream.core.model.AttentionModel;
import io.attentionstream.core.model.BatchInference;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.window.Window;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code ort-bare} and {@code ort-floor} paths: {@link AttentionModel} alone on pre-built
 * batches of B full windows, the same Java path (direct buffers, pinned outputs, result extraction)
 * that {@code BatchedAttention} calls, with nothing around it.
 */
final class ModelRunBench {
    /** Distinct batches cycled through, so the input is not always the same memory. */
    private static final int BATCHES = 4;

    private ModelRunBench() {}

    static PathResult run(BenchPath path, Path modelFile, int n, BenchSettings s, Machine machine) throws Exception {
        ModelConfig config = ModelConfig.builder()
                .expectedKind(InputKind.FEATURES)
                .expectedFeatureDim(s.dim())
                .intraOpThreads(s.threads())
                .build();
        List<List<Window>> batches = new ArrayList<>();
        List<Window> windows = new SyntheticStream(s.dim(), 7).windows(BATCHES * s.batchSize(), n);
        for (int b = 0; b < BATCHES; b++) {
            batches.add(windows.subList(b * s.batchSize(), (b + 1) * s.batchSize()));
        }
        try (AttentionModel model = AttentionModel.load(modelFile, config)) {
            int[] next = {0};
            TimedLoop.Measured m = TimedLoop.run(() -> {
                BatchInference inference = model.run(batches.get(next[0]++ % BATCHES), s.outputRows(), s.weights());
                return inference.results().size();
            }, Duration.ofSeconds(s.warmupS()), Duration.ofSeconds(s.durationS()));
            double windowsPerSecond = m.windows() / m.seconds();
            // floor.onnx does no attention: a share of the peak would mean nothing.
            double flops = path == BenchPath.ORT_FLOOR
                    ? Double.NaN
                    : AttentionFlops.fractionOfPeak(windowsPerSecond, n, s.dim(), machine.peakFlops());
            return new PathResult(path.cliName(), n, s.dim(), model.signature().heads(), m.windows(), m.seconds(),
                    m.stepLatencies().percentileMillis(0.50), m.stepLatencies().percentileMillis(0.99),
                    "one run() of a batch of " + s.batchSize() + " windows", m.cpuSeconds(), flops, s.batchSize(),
                    Map.of("model", modelFile.getFileName().toString(), "batch_size", s.batchSize(),
                            "intra_op_threads", s.threads(), "weights", s.weights().cliName(),
                            "output_rows", s.outputRows().cliName()), Map.of());
        }
    }
}
