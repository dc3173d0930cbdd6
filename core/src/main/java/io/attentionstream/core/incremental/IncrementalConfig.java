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
 * How {@code IncrementalAttention} windows, batches and what it emits. The window rules (size,
 * idle flush, TTL, validation) are those of {@link WindowerConfig}, with stride 1: every event is
 * the newest position of its own window; the batch rules and the model settings are those of
 * {@link BatchingConfig}, with only the newest row: {@code --weights full} and {@code last-row}
 * both emit the new position's row (its only query row), {@code off} none.
 *
 * @param windower window size {@code n}, idle flush, state TTL and what a valid event carries; stride 1
 * @param batching batch size and timeout (in events), weights, output rows (last) and the model settings
 * @param names the incremental tensor names
 */
public record IncrementalConfig(WindowerConfig windower, BatchingConfig batching, IncrementalNames names)
        implements Serializable {

    public IncrementalConfig {
        Objects.requireNonNull(windower, "windower");
        Objects.requireNonNull(batching, "batching");
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
        if (batching.outputRows() == OutputRows.ALL) {
            throw new IllegalArgumentException("--mode incremental computes only the newest position of each window:"
                    + " use --output-rows last.");
        }
    }

    /** The incremental counterpart of a window-mode setup: the same windowing and batching, the default tensor names. */
    public static IncrementalConfig of(WindowerConfig windower, BatchingConfig batching) {
        return new IncrementalConfig(windower, batching, IncrementalNames.defaults());
    }

    /** Window size {@code n}. */
    public int windowSize() {
        return windower.windowSize();
    }

    /** Cached events per key: {@code n − 1}, the rest of the newest event's window. */
    public int cacheLimit() {
        return windower.windowSize() - 1;
    }

    /** Run the model as soon as this many events wait (`--batch-size`). */
    public int batchSize() {
        return batching.batchSize();
    }

    /** Run the model at the latest this long after the first waiting event (`--batch-timeout-ms`). */
    public long batchTimeoutMs() {
        return batching.batchTimeoutMs();
    }

    /** Whether to emit the new position's attention row per head. */
    public boolean emitWeights() {
        return batching.weights() != WeightsMode.OFF;
    }

    /** How to load and check the model. */
    public ModelConfig model() {
        return batching.model();
    }
}
