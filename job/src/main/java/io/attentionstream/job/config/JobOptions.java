package io.attentionstream.job.config;

import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.model.LayerSelection;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.SpecialTokens;
import io.attentionstream.core.model.WeightsMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Every setting of the job, declared once: the CLI ({@code RunCommand}), the README's flag table
 * (checked by {@code CliDocumentationTest}) and {@link JobConfig} are made from these. The keys
 * are a contract: outside tools pass them as flags. Settings whose range depends on others or on
 * the model (window size, stride, batching, the model's digest) are checked where they are used:
 * {@code WindowerConfig}, {@code BatchingConfig}, {@code ModelConfig}.
 */
public final class JobOptions {
    public static final long MIN_CHECKPOINT_INTERVAL_MS = 100;
    public static final int MAX_PARALLELISM = 32768;

    private JobOptions() {}

    // ---- Kafka: shared with the tools' commands ------------------------------------------------

    public static final JobOption<String> BOOTSTRAP_SERVERS = JobOption.<String>key("bootstrap-servers", String.class)
            .required()
            .paramLabel("HOST:PORT[,...]")
            .description("Kafka brokers.")
            .build();

    public static final JobOption<List<String>> KAFKA_PROPERTIES = JobOption.<List<String>>key(
                    "kafka-property", List.class)
            .arity(JobOption.Arity.LIST)
            .paramLabel("KEY=VALUE")
            .description("A Kafka client property for every client the job makes (repeatable), e.g. "
                    + "security.protocol=SASL_SSL. Values are never logged.")
            .build();

    public static final JobOption<Path> KAFKA_CONFIG = JobOption.<Path>key("kafka-config", Path.class)
            .paramLabel("FILE")
            .description("A properties file of Kafka client properties; --kafka-property wins over it.")
            .build();

    // ---- Topics --------------------------------------------------------------------------------

    public static final JobOption<String> INPUT_TOPIC = text(
            "input-topic", "attention.input", "TOPIC", "Topic of SequenceEvent records. Default: ${DEFAULT-VALUE}.");
    public static final JobOption<String> OUTPUT_TOPIC = text(
            "output-topic",
            "attention.output",
            "TOPIC",
            "Topic of AttentionOutput records. Default: ${DEFAULT-VALUE}.");
    public static final JobOption<String> WEIGHTS_TOPIC = text(
            "weights-topic",
            "attention.weights",
            "TOPIC",
            "Topic of AttentionWeights records. Default: ${DEFAULT-VALUE}.");
    public static final JobOption<String> DLQ_TOPIC = text(
            "dlq-topic",
            "attention.dlq",
            "TOPIC",
            "Dead-letter topic of RejectedRecord records. Default: ${DEFAULT-VALUE}.");

    // ---- Model ---------------------------------------------------------------------------------

    public static final JobOption<Path> MODEL = JobOption.<Path>key("model", Path.class)
            .required()
            .paramLabel("PATH")
            .description("The ONNX model (see models/README.md for the contract).")
            .build();

    /** Its format is checked by {@code ModelConfig}. */
    public static final JobOption<String> MODEL_SHA256 = JobOption.<String>key("model-sha256", String.class)
            .paramLabel("HEX")
            .description("Pins the model: the job refuses a model file with another SHA-256.")
            .build();

    public static final JobOption<InputKind> INPUT_KIND = JobOption.<InputKind>key("input-kind", InputKind.class)
            .paramLabel("features|tokens")
            .parser(InputKind::fromCliName)
            .description("What events carry. Default: read from the model's inputs.")
            .build();

    /** Roles are checked by {@code JobSetup}, which maps them onto the model's tensors. */
    public static final JobOption<Map<String, String>> TENSOR_NAMES = JobOption.<Map<String, String>>key(
                    "tensor-name", Map.class)
            .arity(JobOption.Arity.MAP)
            .paramLabel("ROLE=NAME")
            .description(
                    "A model tensor name other than the contract's (repeatable); roles: x, tokens, pad_mask, attention_mask,"
                            + " token_type_ids, out, weights. "
                            + "E.g. --tensor-name x=features.")
            .build();

    public static final JobOption<Integer> FEATURE_DIM = JobOption.<Integer>key("feature-dim", Integer.class)
            .paramLabel("D")
            .description(
                    "Features per event that producers send; the job refuses a model of another dimension. Default: the model's.")
            .build();

    // ---- Windows (ranges checked by WindowerConfig) -------------------------------------------

    public static final JobOption<Integer> WINDOW_SIZE = JobOption.<Integer>key("window-size", int.class)
            .defaultValue(64)
            .paramLabel("N")
            .description("Events per window. Default: ${DEFAULT-VALUE}.")
            .build();

    public static final JobOption<Integer> STRIDE = JobOption.<Integer>key("stride", int.class)
            .defaultValue(1)
            .paramLabel("S")
            .description("Events between window starts (1..N). Default: ${DEFAULT-VALUE}.")
            .build();

    public static final JobOption<Long> IDLE_FLUSH_MS = JobOption.<Long>key("idle-flush-ms", long.class)
            .defaultValue(60000L)
            .paramLabel("MS")
            .description(
                    "Flush a key's remaining events after this much event time without an event. Default: ${DEFAULT-VALUE}.")
            .build();

    public static final JobOption<Long> STATE_TTL_MS = JobOption.<Long>key("state-ttl-ms", long.class)
            .defaultValue(3600000L)
            .paramLabel("MS")
            .description(
                    "Drop all state of a key idle this long in event time (>= idle flush). Default: ${DEFAULT-VALUE}.")
            .build();

    public static final JobOption<Long> MAX_OUT_OF_ORDERNESS_MS = JobOption.<Long>key(
                    "max-out-of-orderness-ms", long.class)
            .defaultValue(5000L)
            .paramLabel("MS")
            .description("Watermark bound: events older than the watermark are LATE. Default: ${DEFAULT-VALUE}.")
            .check(ms -> ms < 0 ? "--max-out-of-orderness-ms must be 0 or more, got " + ms + "." : null)
            .build();

    // ---- Batching and outputs (ranges checked by BatchingConfig) -------------------------------

    public static final JobOption<Integer> BATCH_SIZE = JobOption.<Integer>key("batch-size", int.class)
            .defaultValue(8)
            .paramLabel("B")
            .description("Run the model when B windows wait. Default: ${DEFAULT-VALUE}.")
            .build();

    public static final JobOption<Long> BATCH_TIMEOUT_MS = JobOption.<Long>key("batch-timeout-ms", long.class)
            .defaultValue(10L)
            .paramLabel("T")
            .description("...or T ms after the first window of a batch arrived. Default: ${DEFAULT-VALUE}.")
            .build();

    public static final JobOption<WeightsMode> WEIGHTS = JobOption.<WeightsMode>key("weights", WeightsMode.class)
            .defaultValue(WeightsMode.FULL, WeightsMode.FULL.cliName())
            .paramLabel("full|last-row|off")
            .parser(WeightsMode::fromCliName)
            .description("Attention weights to emit. Default: ${DEFAULT-VALUE}.")
            .build();

    public static final JobOption<LayerSelection> WEIGHTS_LAYERS = JobOption.<LayerSelection>key(
                    "weights-layers", LayerSelection.class)
            .defaultValue(LayerSelection.ALL, LayerSelection.ALL.cliName())
            .paramLabel("all|last|LIST")
            .parser(LayerSelection::fromCliName)
            .description("Layers of a multi-layer model whose attention to emit: all, last, or 0-based indexes such as"
                    + " 0,5. Default: ${DEFAULT-VALUE}.")
            .build();

    public static final JobOption<SpecialTokens> SPECIAL_TOKENS = JobOption.<SpecialTokens>key(
                    "special-tokens", SpecialTokens.class)
            .paramLabel("FIRST,LAST")
            .parser(SpecialTokens::fromCliName)
            .description("Token ids put around every window of a token model, e.g. 101,102 for BERT's [CLS] and [SEP];"
                    + " records carry the window's events only. Default: none.")
            .build();

    /** Without a value: all in full mode, last in incremental mode ({@link JobConfig#effectiveOutputRows()}). */
    public static final JobOption<OutputRows> OUTPUT_ROWS = JobOption.<OutputRows>key("output-rows", OutputRows.class)
            .paramLabel("all|last")
            .parser(OutputRows::fromCliName)
            .description("Output rows to emit per window. Default: all (last with --mode incremental).")
            .build();

    public static final JobOption<Mode> MODE = JobOption.<Mode>key("mode", Mode.class)
            .defaultValue(Mode.FULL, Mode.FULL.cliName())
            .paramLabel("full|incremental")
            .parser(Mode::fromCliName)
            .description("full: run the model on every window. incremental: stride-1 windows from a per-key cache of "
                    + "keys and values, one event at a time (needs an incremental model). Default: ${DEFAULT-VALUE}.")
            .build();

    // ---- Running -------------------------------------------------------------------------------

    public static final JobOption<Boolean> BOUNDED = JobOption.<Boolean>key("bounded", boolean.class)
            .arity(JobOption.Arity.FLAG)
            .defaultValue(false)
            .description("Read the input topic up to its end offsets at start, flush every key, finish.")
            .build();

    public static final JobOption<Integer> PARALLELISM = JobOption.<Integer>key("parallelism", Integer.class)
            .paramLabel("P")
            .description("Parallelism of the job. Default: the cluster's (locally: the number of cores).")
            .check(p -> p < 1 || p > MAX_PARALLELISM
                    ? "--parallelism must be between 1 and " + MAX_PARALLELISM + ", got " + p + "."
                    : null)
            .build();

    public static final JobOption<Long> CHECKPOINT_INTERVAL_MS = JobOption.<Long>key(
                    "checkpoint-interval-ms", long.class)
            .defaultValue(10000L)
            .paramLabel("MS")
            .description(
                    "Checkpoint interval; outputs become visible (committed) once per checkpoint. Default: ${DEFAULT-VALUE}.")
            .check(ms -> ms < MIN_CHECKPOINT_INTERVAL_MS
                    ? "--checkpoint-interval-ms must be at least " + MIN_CHECKPOINT_INTERVAL_MS + ", got " + ms + "."
                    : null)
            .build();

    public static final JobOption<String> GROUP_ID =
            text("group-id", "attention-stream", "G", "Consumer group of the source. Default: ${DEFAULT-VALUE}.");

    public static final JobOption<String> TRANSACTIONAL_ID_PREFIX = text(
            "transactional-id-prefix",
            "attention-stream",
            "X",
            "Prefix of the sinks' transactional ids; unique per job on a cluster. Default: ${DEFAULT-VALUE}.");

    /** Also compared with the checkpoint interval ({@link JobConfig}) and the broker ({@code StartupChecks}). */
    public static final JobOption<Long> TRANSACTION_TIMEOUT_MS = JobOption.<Long>key(
                    "transaction-timeout-ms", long.class)
            .defaultValue(600000L)
            .paramLabel("MS")
            .description("Kafka transaction timeout of the sinks: above the checkpoint interval, at most the broker's "
                    + "transaction.max.timeout.ms. Default: ${DEFAULT-VALUE}.")
            .build();

    public static final JobOption<Integer> MAX_RECORD_BYTES = JobOption.<Integer>key("max-record-bytes", int.class)
            .defaultValue(1048576)
            .paramLabel("BYTES")
            .description("Input records larger than this are dead letters (OVERSIZED). Default: ${DEFAULT-VALUE}.")
            .check(bytes -> bytes < 1 ? "--max-record-bytes must be positive, got " + bytes + "." : null)
            .build();

    public static final JobOption<Integer> INTRA_OP_THREADS = JobOption.<Integer>key("intra-op-threads", int.class)
            .defaultValue(1)
            .paramLabel("N")
            .description("ONNX Runtime threads per parallel instance. Default: ${DEFAULT-VALUE}.")
            .build();

    /** How every command reaches Kafka, in help order. */
    public static final List<JobOption<?>> KAFKA = List.of(BOOTSTRAP_SERVERS, KAFKA_PROPERTIES, KAFKA_CONFIG);

    /** Every option of the job, in help order (the README's order). */
    public static final List<JobOption<?>> ALL = List.of(
            BOOTSTRAP_SERVERS,
            KAFKA_PROPERTIES,
            KAFKA_CONFIG,
            INPUT_TOPIC,
            OUTPUT_TOPIC,
            WEIGHTS_TOPIC,
            DLQ_TOPIC,
            MODEL,
            MODEL_SHA256,
            INPUT_KIND,
            TENSOR_NAMES,
            FEATURE_DIM,
            WINDOW_SIZE,
            STRIDE,
            IDLE_FLUSH_MS,
            STATE_TTL_MS,
            MAX_OUT_OF_ORDERNESS_MS,
            BATCH_SIZE,
            BATCH_TIMEOUT_MS,
            WEIGHTS,
            WEIGHTS_LAYERS,
            SPECIAL_TOKENS,
            OUTPUT_ROWS,
            MODE,
            BOUNDED,
            PARALLELISM,
            CHECKPOINT_INTERVAL_MS,
            GROUP_ID,
            TRANSACTIONAL_ID_PREFIX,
            TRANSACTION_TIMEOUT_MS,
            MAX_RECORD_BYTES,
            INTRA_OP_THREADS);

    /** A name (topic, group, prefix) that must not be blank. */
    private static JobOption<String> text(String key, String defaultValue, String paramLabel, String description) {
        return JobOption.<String>key(key, String.class)
                .defaultValue(defaultValue)
                .paramLabel(paramLabel)
                .description(description)
                .check(value -> value.isBlank() ? "--" + key + " must not be empty." : null)
                .build();
    }
}
