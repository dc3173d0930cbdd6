package io.attentionstream.core.incremental;

import io.attentionstream.core.batch.BatchingConfig;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.core.window.WindowerConfig;
import java.io.Serializable;
import java.util.Objects;

/**
 * How {@link IncrementalAttention} windows, batches and what it emits. The window rules (size,
 * idle flush, TTL, validation) are those of {@link WindowerConfig}, with stride 1: every event is
 * the newest position of its own window.
 *
 * @param windower window size {@code n}, idle flush, state TTL and what a valid event carries; stride 1
 * @param batchSize run the model as soon as this many events wait (`--batch-size`)
 * @param batchTimeoutMs run the model at the latest this long after the first waiting event (`--batch-timeout-ms`)
 * @param emitWeights whether to emit the new position's attention row per head
 * @param model how to load and check the model ({@code out}/{@code weights} names, digest, threads)
 * @param names the incremental tensor names
 */
public record IncrementalConfig(
        WindowerConfig windower,
        int batchSize,
        long batchTimeoutMs,
        boolean emitWeights,
        ModelConfig model,
        IncrementalNames names)
        implements Serializable {

    public IncrementalConfig {
        Objects.requireNonNull(windower, "windower");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(names, "names");
        if (windower.stride() != 1) {
            throw new IllegalArgumentException(
                    "--mode incremental slides every window by one event, so --stride must be 1," + " got "
                            + windower.stride() + "; use --mode full for other strides.");
        }
        if (windower.inputKind() != InputKind.FEATURES) {
            throw new IllegalArgumentException(
                    "--mode incremental takes feature events, but the windower is set up for "
                            + windower.inputKind().cliName() + "; use a feature model or --mode full.");
        }
        BatchingConfig.checkBatch(batchSize, batchTimeoutMs);
    }

    /**
     * The incremental counterpart of a window-mode setup: the same windowing, batch size, timeout
     * and model settings, the default tensor names. Only the newest position exists here, so
     * {@code --output-rows all} is refused; {@code --weights full} and {@code last-row} both emit
     * the new position's row (its only query row), {@code off} none.
     */
    public static IncrementalConfig of(WindowerConfig windower, BatchingConfig batching) {
        if (batching.outputRows() == OutputRows.ALL) {
            throw new IllegalArgumentException("--mode incremental computes only the newest position of each window:"
                    + " use --output-rows last.");
        }
        return new IncrementalConfig(
                windower,
                batching.batchSize(),
                batching.batchTimeoutMs(),
                batching.weights() != WeightsMode.OFF,
                batching.model(),
                IncrementalNames.defaults());
    }

    /** Window size {@code n}. */
    public int windowSize() {
        return windower.windowSize();
    }

    /** Cached events per key: {@code n − 1}, the rest of the newest event's window. */
    public int cacheLimit() {
        return windower.windowSize() - 1;
    }
}
