package io.attentionstream.bench;

import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one benchmark run measures and how; {@code BenchCommand} fills it from the flags.
 *
 * @param windowSizes window sizes n to measure
 * @param pipelineWindowSizes those of {@code windowSizes} the pipeline path runs at ({@code --quick}: the first only)
 * @param dim feature width d; must be the models'
 * @param batchSize B, windows per run() for every path but naive
 * @param incrementalBatchSize events per batch of the incremental path (each key at most once per run())
 * @param threads ONNX Runtime intra-op threads of every session
 * @param warmupS seconds run before each measurement
 * @param incrementalWindowSizes window sizes at which the incremental path runs, beside the
 *     operator path in full mode at the same n (their ratio is incremental_over_full)
 * @param pipelineWarmupS seconds the pipeline runs before its measurements (longer: the in-process
 *     broker, Kafka clients and Flink keep the JIT compilers busy for tens of seconds)
 * @param durationS seconds measured per path and n
 * @param quick whether the short settings were asked for
 * @param paths the paths to run
 * @param model the attention model
 * @param floorModel the trivial model of the same signature
 * @param out folder of results.json
 * @param weights weights emitted (bare, operator, pipeline; naive reads them the way it does)
 * @param outputRows output rows emitted
 * @param keys keys of the generated streams
 * @param parallelism parallelism of the operator and pipeline jobs
 * @param batchTimeoutMs {@code --batch-timeout-ms} of the operator and pipeline jobs
 * @param checkpointIntervalMs checkpoint interval of the pipeline job: outputs are visible once per checkpoint
 * @param sinks the pipeline job's sinks: the job's own (exactly-once) or an experiment
 * @param minilmWindowSizes window sizes of the {@code minilm} path
 * @param minilmModel all-MiniLM-L6-v2 in fp32; its int8 variant is the {@code -q} file beside it
 */
public record BenchSettings(
        List<Integer> windowSizes,
        List<Integer> pipelineWindowSizes,
        List<Integer> incrementalWindowSizes,
        int dim,
        int batchSize,
        int incrementalBatchSize,
        int threads,
        int warmupS,
        int pipelineWarmupS,
        int durationS,
        boolean quick,
        Set<BenchPath> paths,
        Path model,
        Path floorModel,
        Path out,
        WeightsMode weights,
        OutputRows outputRows,
        int keys,
        int parallelism,
        long batchTimeoutMs,
        long checkpointIntervalMs,
        SinkMode sinks,
        List<Integer> minilmWindowSizes,
        Path minilmModel) {

    /** Stride of every generated stream: each event completes one window. */
    public static final int STRIDE = 1;

    public BenchSettings {
        windowSizes = List.copyOf(windowSizes);
        pipelineWindowSizes = List.copyOf(pipelineWindowSizes);
        incrementalWindowSizes = List.copyOf(incrementalWindowSizes);
        require(
                incrementalWindowSizes.stream().allMatch(n -> n >= 1 && n <= 4096),
                "--incremental-window-sizes takes sizes between 1 and 4096, e.g. 64,512.");
        paths = Set.copyOf(paths);
        require(
                !windowSizes.isEmpty() && windowSizes.stream().allMatch(n -> n >= 1 && n <= 4096),
                "--window-sizes takes sizes between 1 and 4096, e.g. 64,256.");
        require(dim >= 1, "--dim must be positive, got " + dim + ".");
        require(batchSize >= 1 && batchSize <= 4096, "--batch-size must be between 1 and 4096, got " + batchSize + ".");
        require(
                incrementalBatchSize >= 1 && incrementalBatchSize <= 4096,
                "--incremental-batch-size must be between 1 and 4096, got " + incrementalBatchSize + ".");
        require(threads >= 1 && threads <= 256, "--threads must be between 1 and 256, got " + threads + ".");
        require(warmupS >= 0, "--warmup-s must be 0 or more, got " + warmupS + ".");
        require(pipelineWarmupS >= 0, "--pipeline-warmup-s must be 0 or more, got " + pipelineWarmupS + ".");
        require(durationS >= 1, "--duration-s must be at least 1, got " + durationS + ".");
        require(!paths.isEmpty(), "--paths must name at least one path.");
        require(keys >= 1, "--keys must be at least 1, got " + keys + ".");
        require(parallelism >= 1, "--parallelism must be at least 1, got " + parallelism + ".");
        require(sinks != null, "--sinks must be set.");
        minilmWindowSizes = List.copyOf(minilmWindowSizes);
        require(
                !minilmWindowSizes.isEmpty()
                        && minilmWindowSizes.stream().allMatch(n -> n >= 1 && n <= MAX_MINILM_POSITIONS),
                "--minilm-window-sizes takes sizes between 1 and " + MAX_MINILM_POSITIONS + ", e.g. 64,128.");
    }

    /** The positions all-MiniLM-L6-v2's position table holds. */
    static final int MAX_MINILM_POSITIONS = 512;

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The incremental model: incremental_feature_attention.onnx beside the attention model. */
    public Path incrementalModel() {
        return model.resolveSibling("incremental_feature_attention.onnx");
    }

    /** The dynamically quantized (int8) all-MiniLM-L6-v2: {@code NAME-q.onnx} beside {@code NAME.onnx}. */
    public Path minilmQuantizedModel() {
        String name = minilmModel.getFileName().toString();
        String stem = name.replaceFirst("(?i)\\.onnx$", "");
        return minilmModel.resolveSibling(stem + "-q.onnx");
    }

    public boolean runs(BenchPath path) {
        return paths.contains(path);
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("window_sizes", windowSizes);
        m.put("pipeline_window_sizes", pipelineWindowSizes);
        m.put("incremental_window_sizes", incrementalWindowSizes);
        m.put("dim", dim);
        m.put("stride", STRIDE);
        m.put("batch_size", batchSize);
        m.put("incremental_batch_size", incrementalBatchSize);
        m.put("intra_op_threads", threads);
        m.put("warmup_s", warmupS);
        m.put("pipeline_warmup_s", pipelineWarmupS);
        m.put("duration_s", durationS);
        m.put("quick", quick);
        m.put("paths", paths.stream().sorted().map(BenchPath::cliName).toList());
        m.put("model", model.toString());
        m.put("floor_model", floorModel.toString());
        m.put("weights", weights.cliName());
        m.put("output_rows", outputRows.cliName());
        m.put("keys", keys);
        m.put("parallelism", parallelism);
        m.put("batch_timeout_ms", batchTimeoutMs);
        m.put("checkpoint_interval_ms", checkpointIntervalMs);
        m.put("sinks", sinks.cliName());
        m.put("minilm_window_sizes", minilmWindowSizes);
        m.put("minilm_model", minilmModel.toString());
        m.put("minilm_quantized_model", minilmQuantizedModel().toString());
        return m;
    }
}
