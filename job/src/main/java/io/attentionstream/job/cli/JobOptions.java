package io.attentionstream.job.cli;

import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Every setting of the job, declared once: the CLI, the README's flag table (checked by
 * {@code CliDocumentationTest}) and the job read them from here. The flag names are a contract:
 * outside tools use them.
 */
public class JobOptions {

    @Mixin
    public KafkaOptions kafka = new KafkaOptions();

    @Option(names = "--input-topic", defaultValue = "attention.input", paramLabel = "TOPIC", description = "Topic of SequenceEvent records. Default: ${DEFAULT-VALUE}.")
    public String inputTopic;

    @Option(names = "--output-topic", defaultValue = "attention.output", paramLabel = "TOPIC", description = "Topic of AttentionOutput records. Default: ${DEFAULT-VALUE}.")
    public String outputTopic;

    @Option(names = "--weights-topic", defaultValue = "attention.weights", paramLabel = "TOPIC", description = "Topic of AttentionWeights records. Default: ${DEFAULT-VALUE}.")
    public String weightsTopic;

    @Option(names = "--dlq-topic", defaultValue = "attention.dlq", paramLabel = "TOPIC", description = "Dead-letter topic of RejectedRecord records. Default: ${DEFAULT-VALUE}.")
    public String dlqTopic;

    @Option(names = "--model", required = true, paramLabel = "PATH", description = "The ONNX model (see models/README.md for the contract).")
    public Path model;

    @Option(names = "--model-sha256", paramLabel = "HEX", description = "Pins the model: the job refuses a model file with another SHA-256.")
    public String modelSha256;

    @Option(names = "--input-kind", paramLabel = "features|tokens", converter = InputKindConverter.class,
            description = "What events carry. Default: read from the model's inputs.")
    public InputKind inputKind;

    @Option(names = "--tensor-name", paramLabel = "ROLE=NAME",
            description = "A model tensor name other than the contract's (repeatable); roles: x, tokens, pad_mask, out, weights. "
                    + "E.g. --tensor-name x=features.")
    public java.util.Map<String, String> tensorNames = new java.util.LinkedHashMap<>();

    @Option(names = "--feature-dim", paramLabel = "D",
            description = "Features per event that producers send; the job refuses a model of another dimension. Default: the model's.")
    public Integer featureDim;

    @Option(names = "--window-size", defaultValue = "64", paramLabel = "N", description = "Events per window. Default: ${DEFAULT-VALUE}.")
    public int windowSize;

    @Option(names = "--stride", defaultValue = "1", paramLabel = "S", description = "Events between window starts (1..N). Default: ${DEFAULT-VALUE}.")
    public int stride;

    @Option(names = "--idle-flush-ms", defaultValue = "60000", paramLabel = "MS",
            description = "Flush a key's remaining events after this much event time without an event. Default: ${DEFAULT-VALUE}.")
    public long idleFlushMs;

    @Option(names = "--state-ttl-ms", defaultValue = "3600000", paramLabel = "MS",
            description = "Drop all state of a key idle this long in event time (>= idle flush). Default: ${DEFAULT-VALUE}.")
    public long stateTtlMs;

    @Option(names = "--max-out-of-orderness-ms", defaultValue = "5000", paramLabel = "MS",
            description = "Watermark bound: events older than the watermark are LATE. Default: ${DEFAULT-VALUE}.")
    public long maxOutOfOrdernessMs;

    @Option(names = "--batch-size", defaultValue = "8", paramLabel = "B", description = "Run the model when B windows wait. Default: ${DEFAULT-VALUE}.")
    public int batchSize;

    @Option(names = "--batch-timeout-ms", defaultValue = "10", paramLabel = "T",
            description = "...or T ms after the first window of a batch arrived. Default: ${DEFAULT-VALUE}.")
    public long batchTimeoutMs;

    @Option(names = "--weights", defaultValue = "full", paramLabel = "full|last-row|off", converter = WeightsModeConverter.class,
            description = "Attention weights to emit. Default: ${DEFAULT-VALUE}.")
    public WeightsMode weights;

    @Option(names = "--output-rows", paramLabel = "all|last", converter = OutputRowsConverter.class,
            description = "Output rows to emit per window. Default: all (last with --mode incremental).")
    public OutputRows outputRows;

    @Option(names = "--mode", defaultValue = "full", paramLabel = "full|incremental", converter = ModeConverter.class,
            description = "full: run the model on every window. incremental: stride-1 windows from a per-key cache of "
                    + "keys and values, one event at a time (needs an incremental model). Default: ${DEFAULT-VALUE}.")
    public Mode mode;

    @Option(names = "--bounded", description = "Read the input topic up to its end offsets at start, flush every key, finish.")
    public boolean bounded;

    @Option(names = "--parallelism", paramLabel = "P", description = "Parallelism of the job. Default: the cluster's (locally: the number of cores).")
    public Integer parallelism;

    @Option(names = "--checkpoint-interval-ms", defaultValue = "10000", paramLabel = "MS",
            description = "Checkpoint interval; outputs become visible (committed) once per checkpoint. Default: ${DEFAULT-VALUE}.")
    public long checkpointIntervalMs;

    @Option(names = "--group-id", defaultValue = "attention-stream", paramLabel = "G", description = "Consumer group of the source. Default: ${DEFAULT-VALUE}.")
    public String groupId;

    @Option(names = "--transactional-id-prefix", defaultValue = "attention-stream", paramLabel = "X",
            description = "Prefix of the sinks' transactional ids; unique per job on a cluster. Default: ${DEFAULT-VALUE}.")
    public String transactionalIdPrefix;

    @Option(names = "--transaction-timeout-ms", defaultValue = "600000", paramLabel = "MS",
            description = "Kafka transaction timeout of the sinks: above the checkpoint interval, at most the broker's "
                    + "transaction.max.timeout.ms. Default: ${DEFAULT-VALUE}.")
    public long transactionTimeoutMs;

    @Option(names = "--max-record-bytes", defaultValue = "1048576", paramLabel = "BYTES",
            description = "Input records larger than this are dead letters (OVERSIZED). Default: ${DEFAULT-VALUE}.")
    public int maxRecordBytes;

    @Option(names = "--intra-op-threads", defaultValue = "1", paramLabel = "N",
            description = "ONNX Runtime threads per parallel instance. Default: ${DEFAULT-VALUE}.")
    public int intraOpThreads;

    /** How windows are computed (`--mode`). */
    public enum Mode {
        /** The window model on each whole window. */
        FULL,
        /** The incremental model on each new event and the key's cached keys and values. */
        INCREMENTAL
    }

    static final class ModeConverter implements ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            for (Mode mode : Mode.values()) {
                if (mode.name().equalsIgnoreCase(value)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("Unknown mode '" + value + "': use --mode full or --mode incremental.");
        }
    }

    /** The output rows in effect: as given, else all (full mode) or last (incremental mode). */
    public OutputRows effectiveOutputRows() {
        if (outputRows != null) {
            return outputRows;
        }
        return mode == Mode.INCREMENTAL ? OutputRows.LAST : OutputRows.ALL;
    }

    public static final class InputKindConverter implements ITypeConverter<InputKind> {
        @Override
        public InputKind convert(String value) {
            return InputKind.fromCliName(value);
        }
    }

    public static final class WeightsModeConverter implements ITypeConverter<WeightsMode> {
        @Override
        public WeightsMode convert(String value) {
            return WeightsMode.fromCliName(value);
        }
    }

    public static final class OutputRowsConverter implements ITypeConverter<OutputRows> {
        @Override
        public OutputRows convert(String value) {
            return OutputRows.fromCliName(value);
        }
    }
}
