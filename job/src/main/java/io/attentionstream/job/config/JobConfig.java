package io.attentionstream.job.config;

import static io.attentionstream.job.config.JobOptions.*;

import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.model.LayerSelection;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.SpecialTokens;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.job.SetupException;
import io.attentionstream.job.kafka.KafkaClientConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The job's configuration: a value for each {@link JobOptions} option, typed and checked. The CLI
 * fills it from flags; tests and the benchmark build it directly:
 *
 * <pre>{@code
 * JobConfig.builder().bootstrapServers("localhost:9092").model(path).windowSize(16).stride(4).build();
 * }</pre>
 *
 * <p>{@link Builder#build()} runs every option's own check and the checks across options, so a
 * built configuration is always one the job accepts before it looks at the model and the brokers.
 */
public final class JobConfig {
    private final Map<JobOption<?>, Object> values;
    private final KafkaClientConfig kafka;

    private JobConfig(Map<JobOption<?>, Object> values, KafkaClientConfig kafka) {
        this.values = values;
        this.kafka = kafka;
    }

    public static Builder builder() {
        return new Builder(new LinkedHashMap<>());
    }

    /** A builder holding these values, to derive another configuration. */
    public Builder toBuilder() {
        return new Builder(new LinkedHashMap<>(values));
    }

    /** The option's value: as set, else its default (null for an optional option without one). */
    @SuppressWarnings("unchecked")
    public <T> T get(JobOption<T> option) {
        return values.containsKey(option) ? (T) values.get(option) : option.defaultValue();
    }

    /** Whether the option was set, rather than left at its default. */
    public boolean isSet(JobOption<?> option) {
        return values.containsKey(option);
    }

    /** The Kafka client settings: bootstrap servers, {@code --kafka-config}, then {@code --kafka-property}. */
    public KafkaClientConfig kafka() {
        return kafka;
    }

    public String inputTopic() {
        return get(INPUT_TOPIC);
    }

    public String outputTopic() {
        return get(OUTPUT_TOPIC);
    }

    public String weightsTopic() {
        return get(WEIGHTS_TOPIC);
    }

    public String dlqTopic() {
        return get(DLQ_TOPIC);
    }

    public Path model() {
        return get(MODEL);
    }

    public String modelSha256() {
        return get(MODEL_SHA256);
    }

    public InputKind inputKind() {
        return get(INPUT_KIND);
    }

    public Map<String, String> tensorNames() {
        Map<String, String> names = get(TENSOR_NAMES);
        return names == null ? Map.of() : names;
    }

    public Integer featureDim() {
        return get(FEATURE_DIM);
    }

    public int windowSize() {
        return get(WINDOW_SIZE);
    }

    public int stride() {
        return get(STRIDE);
    }

    public long idleFlushMs() {
        return get(IDLE_FLUSH_MS);
    }

    public long stateTtlMs() {
        return get(STATE_TTL_MS);
    }

    public long maxOutOfOrdernessMs() {
        return get(MAX_OUT_OF_ORDERNESS_MS);
    }

    public int batchSize() {
        return get(BATCH_SIZE);
    }

    public long batchTimeoutMs() {
        return get(BATCH_TIMEOUT_MS);
    }

    public WeightsMode weights() {
        return get(WEIGHTS);
    }

    public LayerSelection weightsLayers() {
        return get(WEIGHTS_LAYERS);
    }

    /** The ids put around every window, or null. */
    public SpecialTokens specialTokens() {
        return get(SPECIAL_TOKENS);
    }

    /** The output rows in effect: as given, else all (full mode) or last (incremental mode). */
    public OutputRows effectiveOutputRows() {
        OutputRows rows = get(OUTPUT_ROWS);
        if (rows != null) {
            return rows;
        }
        return mode() == Mode.INCREMENTAL ? OutputRows.LAST : OutputRows.ALL;
    }

    public Mode mode() {
        return get(MODE);
    }

    public boolean bounded() {
        return get(BOUNDED);
    }

    /** Null: the cluster's. */
    public Integer parallelism() {
        return get(PARALLELISM);
    }

    public long checkpointIntervalMs() {
        return get(CHECKPOINT_INTERVAL_MS);
    }

    public String groupId() {
        return get(GROUP_ID);
    }

    public String transactionalIdPrefix() {
        return get(TRANSACTIONAL_ID_PREFIX);
    }

    public long transactionTimeoutMs() {
        return get(TRANSACTION_TIMEOUT_MS);
    }

    public int maxRecordBytes() {
        return get(MAX_RECORD_BYTES);
    }

    public int intraOpThreads() {
        return get(INTRA_OP_THREADS);
    }

    /** Option keys and values that were set; Kafka property values are left out (they can be secrets). */
    @Override
    public String toString() {
        Map<String, Object> shown = new LinkedHashMap<>();
        values.forEach((option, value) -> shown.put(option.key(), option == KAFKA_PROPERTIES ? "[…]" : value));
        return "JobConfig" + shown;
    }

    /** Collects values; {@link #build()} checks them. */
    public static final class Builder {
        private final Map<JobOption<?>, Object> values;

        private Builder(Map<JobOption<?>, Object> values) {
            this.values = values;
        }

        /** Sets an option; null goes back to its default. */
        public <T> Builder set(JobOption<T> option, T value) {
            Objects.requireNonNull(option, "option");
            if (value == null) {
                values.remove(option);
            } else {
                values.put(option, value);
            }
            return this;
        }

        public Builder bootstrapServers(String servers) {
            return set(BOOTSTRAP_SERVERS, servers);
        }

        /** Adds one Kafka client property, like {@code --kafka-property key=value}. */
        public Builder kafkaProperty(String key, String value) {
            Objects.requireNonNull(key, "key");
            List<String> properties =
                    new ArrayList<>(values.containsKey(KAFKA_PROPERTIES) ? list(KAFKA_PROPERTIES) : List.of());
            properties.add(key + "=" + Objects.requireNonNull(value, "value"));
            return set(KAFKA_PROPERTIES, List.copyOf(properties));
        }

        public Builder kafkaConfig(Path file) {
            return set(KAFKA_CONFIG, file);
        }

        /** The four topics at once. */
        public Builder topics(String input, String output, String weights, String dlq) {
            return set(INPUT_TOPIC, input)
                    .set(OUTPUT_TOPIC, output)
                    .set(WEIGHTS_TOPIC, weights)
                    .set(DLQ_TOPIC, dlq);
        }

        public Builder inputTopic(String topic) {
            return set(INPUT_TOPIC, topic);
        }

        public Builder model(Path model) {
            return set(MODEL, model);
        }

        public Builder modelSha256(String hex) {
            return set(MODEL_SHA256, hex);
        }

        public Builder inputKind(InputKind kind) {
            return set(INPUT_KIND, kind);
        }

        /** Adds one tensor name, like {@code --tensor-name role=name}. */
        public Builder tensorName(String role, String name) {
            Map<String, String> names =
                    new LinkedHashMap<>(values.containsKey(TENSOR_NAMES) ? map(TENSOR_NAMES) : Map.of());
            names.put(Objects.requireNonNull(role, "role"), Objects.requireNonNull(name, "name"));
            return set(TENSOR_NAMES, names);
        }

        public Builder featureDim(Integer dim) {
            return set(FEATURE_DIM, dim);
        }

        public Builder windowSize(int n) {
            return set(WINDOW_SIZE, n);
        }

        public Builder stride(int s) {
            return set(STRIDE, s);
        }

        public Builder idleFlushMs(long ms) {
            return set(IDLE_FLUSH_MS, ms);
        }

        public Builder stateTtlMs(long ms) {
            return set(STATE_TTL_MS, ms);
        }

        public Builder maxOutOfOrdernessMs(long ms) {
            return set(MAX_OUT_OF_ORDERNESS_MS, ms);
        }

        public Builder batchSize(int b) {
            return set(BATCH_SIZE, b);
        }

        public Builder batchTimeoutMs(long ms) {
            return set(BATCH_TIMEOUT_MS, ms);
        }

        public Builder weights(WeightsMode mode) {
            return set(WEIGHTS, mode);
        }

        public Builder weightsLayers(LayerSelection layers) {
            return set(WEIGHTS_LAYERS, layers);
        }

        public Builder specialTokens(SpecialTokens tokens) {
            return set(SPECIAL_TOKENS, tokens);
        }

        public Builder outputRows(OutputRows rows) {
            return set(OUTPUT_ROWS, rows);
        }

        public Builder mode(Mode mode) {
            return set(MODE, mode);
        }

        public Builder bounded(boolean bounded) {
            return set(BOUNDED, bounded);
        }

        public Builder parallelism(Integer p) {
            return set(PARALLELISM, p);
        }

        public Builder checkpointIntervalMs(long ms) {
            return set(CHECKPOINT_INTERVAL_MS, ms);
        }

        public Builder groupId(String group) {
            return set(GROUP_ID, group);
        }

        public Builder transactionalIdPrefix(String prefix) {
            return set(TRANSACTIONAL_ID_PREFIX, prefix);
        }

        public Builder transactionTimeoutMs(long ms) {
            return set(TRANSACTION_TIMEOUT_MS, ms);
        }

        public Builder maxRecordBytes(int bytes) {
            return set(MAX_RECORD_BYTES, bytes);
        }

        public Builder intraOpThreads(int n) {
            return set(INTRA_OP_THREADS, n);
        }

        /**
         * Checks every value and the values against each other.
         *
         * @throws SetupException naming the setting to change
         */
        public JobConfig build() {
            JobConfig config = new JobConfig(new LinkedHashMap<>(values), null);
            KafkaClientConfig kafka;
            try {
                kafka = KafkaClientConfig.of(
                        config.get(BOOTSTRAP_SERVERS), config.get(KAFKA_CONFIG), config.get(KAFKA_PROPERTIES));
            } catch (IllegalArgumentException e) {
                throw new SetupException(e.getMessage(), e);
            }
            if (config.model() == null) {
                throw new SetupException("--model is required: give the ONNX model file.");
            }
            for (JobOption<?> option : JobOptions.ALL) {
                String problem = problem(config, option);
                if (problem != null) {
                    throw new SetupException(problem);
                }
            }
            if (config.transactionTimeoutMs() <= config.checkpointIntervalMs()) {
                throw new SetupException("--transaction-timeout-ms (" + config.transactionTimeoutMs()
                        + ") must be above --checkpoint-interval-ms (" + config.checkpointIntervalMs()
                        + "), or transactions expire before their checkpoint commits them.");
            }
            return new JobConfig(config.values, kafka);
        }

        private static <T> String problem(JobConfig config, JobOption<T> option) {
            return option.problem(config.get(option));
        }

        @SuppressWarnings("unchecked")
        private List<String> list(JobOption<List<String>> option) {
            return (List<String>) values.get(option);
        }

        @SuppressWarnings("unchecked")
        private Map<String, String> map(JobOption<Map<String, String>> option) {
            return (Map<String, String>) values.get(option);
        }
    }
}
