package io.attentionstream.core.window;

import io.attentionstream.core.model.InputKind;
import java.io.Serializable;
import java.util.Objects;

/**
 * How {@link SequenceWindower} cuts each key's stream: window size and stride, when an idle key is
 * flushed and when its state expires, and what a valid event carries. Immutable; built and checked
 * by {@link Builder#build()}, whose messages name the CLI flag to change.
 */
public final class WindowerConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Largest window: keeps a key's state and one model call bounded. */
    public static final int MAX_WINDOW_SIZE = 4096;

    private final int windowSize;
    private final int stride;
    private final long idleFlushMs;
    private final long stateTtlMs;
    private final InputKind inputKind;
    private final int featureDim;
    private final int vocabSize;

    private WindowerConfig(Builder b) {
        this.windowSize = b.windowSize;
        this.stride = b.stride;
        this.idleFlushMs = b.idleFlushMs;
        this.stateTtlMs = b.stateTtlMs;
        this.inputKind = b.inputKind;
        this.featureDim = b.inputKind == InputKind.FEATURES ? b.featureDim : 0;
        this.vocabSize = b.inputKind == InputKind.TOKENS ? b.vocabSize : 0;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Events per window, {@code n}. */
    public int windowSize() {
        return windowSize;
    }

    /** Events between the starts of two windows, {@code s}; {@code s == n} gives disjoint windows. */
    public int stride() {
        return stride;
    }

    /** Event time without an event after which a key's buffered events are flushed. */
    public long idleFlushMs() {
        return idleFlushMs;
    }

    /** Event time without an event after which all of a key's state goes. */
    public long stateTtlMs() {
        return stateTtlMs;
    }

    public InputKind inputKind() {
        return inputKind;
    }

    /** Values per feature vector; 0 for token models. */
    public int featureDim() {
        return featureDim;
    }

    /** Valid tokens are {@code [0, vocabSize)}; 0 for feature models. */
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof WindowerConfig)) {
            return false;
        }
        WindowerConfig other = (WindowerConfig) o;
        return windowSize == other.windowSize
                && stride == other.stride
                && idleFlushMs == other.idleFlushMs
                && stateTtlMs == other.stateTtlMs
                && inputKind == other.inputKind
                && featureDim == other.featureDim
                && vocabSize == other.vocabSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(windowSize, stride, idleFlushMs, stateTtlMs, inputKind, featureDim, vocabSize);
    }

    @Override
    public String toString() {
        return "WindowerConfig{windowSize=" + windowSize + ", stride=" + stride
                + ", idleFlushMs=" + idleFlushMs + ", stateTtlMs=" + stateTtlMs
                + ", inputKind=" + (inputKind == null ? null : inputKind.cliName())
                + (inputKind == InputKind.TOKENS ? ", vocabSize=" + vocabSize : ", featureDim=" + featureDim) + "}";
    }

    /** Collects the settings; {@link #build()} checks them all. */
    public static final class Builder {
        private int windowSize;
        private int stride;
        private long idleFlushMs;
        private long stateTtlMs;
        private InputKind inputKind;
        private int featureDim;
        private int vocabSize;

        private Builder() {}

        public Builder windowSize(int windowSize) {
            this.windowSize = windowSize;
            return this;
        }

        public Builder stride(int stride) {
            this.stride = stride;
            return this;
        }

        public Builder idleFlushMs(long idleFlushMs) {
            this.idleFlushMs = idleFlushMs;
            return this;
        }

        public Builder stateTtlMs(long stateTtlMs) {
            this.stateTtlMs = stateTtlMs;
            return this;
        }

        public Builder inputKind(InputKind inputKind) {
            this.inputKind = inputKind;
            return this;
        }

        /** Required for feature models; ignored for token models. */
        public Builder featureDim(int featureDim) {
            this.featureDim = featureDim;
            return this;
        }

        /** Required for token models; ignored for feature models. */
        public Builder vocabSize(int vocabSize) {
            this.vocabSize = vocabSize;
            return this;
        }

        /** @throws IllegalArgumentException naming the setting to change */
        public WindowerConfig build() {
            require(
                    windowSize >= 1 && windowSize <= MAX_WINDOW_SIZE,
                    "--window-size must be between 1 and " + MAX_WINDOW_SIZE + ", got " + windowSize + ".");
            require(
                    stride >= 1 && stride <= windowSize,
                    "--stride must be between 1 and the window size " + windowSize + ", got " + stride + ".");
            require(idleFlushMs > 0, "--idle-flush-ms must be greater than 0, got " + idleFlushMs + ".");
            require(
                    stateTtlMs >= idleFlushMs,
                    "--state-ttl-ms must be at least --idle-flush-ms (" + idleFlushMs
                            + ") so that a key is flushed before its state goes, got " + stateTtlMs + ".");
            require(inputKind != null, "The input kind is not set: pass --input-kind features or --input-kind tokens.");
            if (inputKind == InputKind.FEATURES) {
                require(
                        featureDim > 0,
                        "The feature dimension must be greater than 0 for --input-kind features, got " + featureDim
                                + "; check the model's feature input given with --model.");
                // A key's buffer holds windowSize x featureDim floats in one array.
                require(
                        (long) windowSize * featureDim <= Integer.MAX_VALUE - 8,
                        "--window-size " + windowSize + " times the feature dimension " + featureDim
                                + " does not fit in one Java array.");
            } else {
                require(
                        vocabSize > 0,
                        "The vocabulary size must be greater than 0 for --input-kind tokens, got " + vocabSize
                                + "; check the model's vocab_size metadata given with --model.");
            }
            return new WindowerConfig(this);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
