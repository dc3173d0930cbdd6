package io.attentionstream.core.batch;

import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import java.io.Serializable;
import java.util.Objects;

/**
 * How {@link BatchedAttention} batches windows and what it emits.
 *
 * @param batchSize run the model as soon as this many windows wait (`--batch-size`, 1..4096)
 * @param batchTimeoutMs run the model at the latest this long after the first window of a batch
 *     arrived (`--batch-timeout-ms`, 1..60000)
 * @param weights which attention weights to emit (`--weights`)
 * @param outputRows which output rows to emit (`--output-rows`)
 * @param model how to load and check the model
 */
public record BatchingConfig(
        int batchSize, long batchTimeoutMs, WeightsMode weights, OutputRows outputRows, ModelConfig model)
        implements Serializable {

    public static final int MAX_BATCH_SIZE = 4096;
    public static final long MAX_BATCH_TIMEOUT_MS = 60_000;

    public BatchingConfig {
        checkBatch(batchSize, batchTimeoutMs);
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(outputRows, "outputRows");
        Objects.requireNonNull(model, "model");
    }

    /** The batch rules of both modes: `--batch-size` in 1..4096, `--batch-timeout-ms` in 1..60000. */
    public static void checkBatch(int batchSize, long batchTimeoutMs) {
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException(
                    "--batch-size must be between 1 and " + MAX_BATCH_SIZE + ", got " + batchSize + ".");
        }
        if (batchTimeoutMs < 1 || batchTimeoutMs > MAX_BATCH_TIMEOUT_MS) {
            throw new IllegalArgumentException("--batch-timeout-ms must be between 1 and " + MAX_BATCH_TIMEOUT_MS
                    + ", got " + batchTimeoutMs + ".");
        }
    }
}
