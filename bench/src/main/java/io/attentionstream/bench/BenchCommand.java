package io.attentionstream.bench;

import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.job.cli.CliConverters;
import io.attentionstream.tools.cli.ToolCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * Measures the pipeline against bare ONNX Runtime and against per-window inference (see
 * BENCHMARKS.md): the same model, batch size and thread count on every path, one after another.
 * The model- and operator-level paths are JMH benchmarks in forked JVMs; the pipeline runs in
 * this JVM against an in-process broker.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Benchmark: ONNX Runtime floor and bare, naive per-window inference, the operators, the whole pipeline.")
public class BenchCommand implements ToolCommand {
    static final int DEFAULT_DURATION_S = 20;
    static final int DEFAULT_WARMUP_S = 5;
    static final int QUICK_DURATION_S = 4;
    static final int QUICK_WARMUP_S = 2;
    static final int DEFAULT_PIPELINE_WARMUP_S = 20;
    static final int QUICK_PIPELINE_WARMUP_S = 4;

    @Option(
            names = "--window-sizes",
            split = ",",
            defaultValue = "64,256",
            paramLabel = "N",
            description = "Window sizes to measure. Default: ${DEFAULT-VALUE}.")
    List<Integer> windowSizes;

    @Option(
            names = "--incremental-window-sizes",
            split = ",",
            defaultValue = "64,512",
            paramLabel = "N",
            description =
                    "Window sizes of the incremental path, each also run by the operator path in full mode. Default: ${DEFAULT-VALUE}.")
    List<Integer> incrementalWindowSizes;

    @Option(
            names = "--minilm-window-sizes",
            split = ",",
            defaultValue = "64,128",
            paramLabel = "N",
            description =
                    "Window sizes of the minilm path; the cost of exposing attention is measured at the largest. Default: ${DEFAULT-VALUE}.")
    List<Integer> minilmWindowSizes;

    @Option(
            names = "--dim",
            defaultValue = "64",
            paramLabel = "D",
            description = "Features per event; must be the model's. Default: ${DEFAULT-VALUE}.")
    int dim;

    @Option(
            names = "--batch-size",
            defaultValue = "8",
            paramLabel = "B",
            description = "Windows per run() (all paths but naive; minilm runs B = 1 too). Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
            names = "--incremental-batch-size",
            defaultValue = "16",
            paramLabel = "B",
            description =
                    "Events per batch of the incremental path: a key's events in one batch take turns, so more than"
                            + " --keys only adds runs. Default: ${DEFAULT-VALUE}.")
    int incrementalBatchSize;

    @Option(
            names = "--threads",
            defaultValue = "1",
            paramLabel = "N",
            description = "ONNX Runtime intra-op threads of every session. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(
            names = "--duration-s",
            paramLabel = "S",
            description = "Seconds measured per path and window size. Default: " + DEFAULT_DURATION_S + " (--quick: "
                    + QUICK_DURATION_S + ").")
    Integer durationS;

    @Option(
            names = "--warmup-s",
            paramLabel = "S",
            description = "Seconds run before each measurement. Default: " + DEFAULT_WARMUP_S + " (--quick: "
                    + QUICK_WARMUP_S + ").")
    Integer warmupS;

    @Option(
            names = "--pipeline-warmup-s",
            paramLabel = "S",
            description =
                    "Seconds the pipeline runs before each of its measurements: the in-process broker, Kafka clients and Flink "
                            + "keep the JIT busy longer. Default: " + DEFAULT_PIPELINE_WARMUP_S + " (--quick: "
                            + QUICK_PIPELINE_WARMUP_S + ").")
    Integer pipelineWarmupS;

    @Option(
            names = "--quick",
            description = "Short runs, and the pipeline at the first window size only: under 3 minutes on 2 cores.")
    boolean quick;

    @Option(
            names = "--paths",
            split = ",",
            defaultValue = "ort-floor,ort-bare,naive,operator,pipeline,incremental",
            paramLabel = "PATH",
            description =
                    "Paths to run: ort-floor, ort-bare, naive, operator, pipeline, incremental, minilm. Default: ${DEFAULT-VALUE}.")
    List<String> paths;

    @Option(
            names = "--out",
            defaultValue = "${sys:attention.stream.home:-.}/target/bench",
            paramLabel = "DIR",
            description = "Folder for results.json. Default: target/bench/ of this checkout.")
    Path out;

    @Option(
            names = "--model",
            defaultValue = "${sys:attention.stream.home:-.}/models/feature_attention.onnx",
            paramLabel = "PATH",
            description = "The attention model. Default: models/feature_attention.onnx of this checkout.")
    Path model;

    @Option(
            names = "--floor-model",
            defaultValue = "${sys:attention.stream.home:-.}/models/floor.onnx",
            paramLabel = "PATH",
            description =
                    "The trivial model of the same signature (ort-floor). Default: models/floor.onnx of this checkout.")
    Path floorModel;

    @Option(
            names = "--minilm-model",
            defaultValue = "${sys:attention.stream.home:-.}/tools/target/pretrained/all-minilm-l6-v2.onnx",
            paramLabel = "PATH",
            description =
                    "all-MiniLM-L6-v2 in fp32 (minilm path); its int8 variant is the -q.onnx file beside it."
                            + " Default: tools/target/pretrained/all-minilm-l6-v2.onnx of this checkout (the build unpacks it).")
    Path minilmModel;

    @Option(
            names = "--weights",
            defaultValue = "last-row",
            paramLabel = "full|last-row|off",
            converter = CliConverters.WeightsModeConverter.class,
            description = "Attention weights emitted on every path but minilm. Default: ${DEFAULT-VALUE}.")
    WeightsMode weights;

    @Option(
            names = "--output-rows",
            defaultValue = "last",
            paramLabel = "all|last",
            converter = CliConverters.OutputRowsConverter.class,
            description = "Output rows emitted on every path but minilm. Default: ${DEFAULT-VALUE}.")
    OutputRows outputRows;

    @Option(
            names = "--keys",
            defaultValue = "16",
            paramLabel = "N",
            description = "Keys of the generated streams (operator, pipeline). Default: ${DEFAULT-VALUE}.")
    int keys;

    @Option(
            names = "--parallelism",
            defaultValue = "1",
            paramLabel = "P",
            description =
                    "Parallelism of the operator and pipeline jobs (1 compares with one bare thread). Default: ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(
            names = "--batch-timeout-ms",
            defaultValue = "10",
            paramLabel = "T",
            description = "Batch timeout of the operator and pipeline jobs. Default: ${DEFAULT-VALUE}.")
    long batchTimeoutMs;

    @Option(
            names = "--checkpoint-interval-ms",
            defaultValue = "100",
            paramLabel = "MS",
            description =
                    "Checkpoint interval of the pipeline job: outputs become visible once per checkpoint. Default: ${DEFAULT-VALUE}.")
    long checkpointIntervalMs;

    @Option(
            names = "--sinks",
            defaultValue = "exactly-once",
            paramLabel = "exactly-once|exactly-once-pooling|at-least-once",
            converter = SinkModeConverter.class,
            description =
                    "Sinks of the pipeline job: the job's own, or an experiment with other delivery settings. Default: ${DEFAULT-VALUE}.")
    SinkMode sinks;

    @Override
    public Integer call() throws Exception {
        new BenchRunner(settings(), System.out).run();
        return 0;
    }

    BenchSettings settings() {
        Set<BenchPath> chosen = new LinkedHashSet<>();
        paths.forEach(p -> chosen.add(BenchPath.fromCliName(p)));
        List<Integer> pipelineSizes = quick ? List.of(windowSizes.get(0)) : new ArrayList<>(windowSizes);
        List<Integer> incrementalSizes = quick ? List.of(incrementalWindowSizes.get(0)) : incrementalWindowSizes;
        return new BenchSettings(
                windowSizes,
                pipelineSizes,
                incrementalSizes,
                dim,
                batchSize,
                incrementalBatchSize,
                threads,
                warmupS != null ? warmupS : quick ? QUICK_WARMUP_S : DEFAULT_WARMUP_S,
                pipelineWarmupS != null ? pipelineWarmupS : quick ? QUICK_PIPELINE_WARMUP_S : DEFAULT_PIPELINE_WARMUP_S,
                durationS != null ? durationS : quick ? QUICK_DURATION_S : DEFAULT_DURATION_S,
                quick,
                chosen,
                model,
                floorModel,
                out,
                weights,
                outputRows,
                keys,
                parallelism,
                batchTimeoutMs,
                checkpointIntervalMs,
                sinks,
                minilmWindowSizes,
                minilmModel);
    }

    static final class SinkModeConverter implements ITypeConverter<SinkMode> {
        @Override
        public SinkMode convert(String value) {
            return SinkMode.fromCliName(value);
        }
    }
}
