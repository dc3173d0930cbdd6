package io.attentionstream.core.window;

import java.util.Arrays;
import java.util.Objects;

/**
 * One key's sequence window, ready for the model: {@link #length} valid events in position order.
 * Padding is not stored; the model pads to the batch's sequence length with {@code pad_mask}.
 *
 * <p>A Flink POJO. Exactly one of {@link #features} ({@code length × dim}, row-major) and
 * {@link #tokens} ({@code length}) is set.
 */
public class Window {
    public String key;
    public long startPosition;
    /** Position of the last valid event (inclusive). */
    public long endPosition;

    public long startTimestamp;
    public long endTimestamp;
    public int length;
    public float[] features;
    public long[] tokens;

    public Window() {}

    public static Window ofFeatures(
            String key,
            long startPosition,
            long endPosition,
            long startTimestamp,
            long endTimestamp,
            int length,
            float[] features) {
        Window w = new Window();
        w.key = key;
        w.startPosition = startPosition;
        w.endPosition = endPosition;
        w.startTimestamp = startTimestamp;
        w.endTimestamp = endTimestamp;
        w.length = length;
        w.features = features;
        return w;
    }

    public static Window ofTokens(
            String key,
            long startPosition,
            long endPosition,
            long startTimestamp,
            long endTimestamp,
            int length,
            long[] tokens) {
        Window w = new Window();
        w.key = key;
        w.startPosition = startPosition;
        w.endPosition = endPosition;
        w.startTimestamp = startTimestamp;
        w.endTimestamp = endTimestamp;
        w.length = length;
        w.tokens = tokens;
        return w;
    }

    public boolean isTokens() {
        return tokens != null;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Window)) {
            return false;
        }
        Window other = (Window) o;
        return startPosition == other.startPosition
                && endPosition == other.endPosition
                && startTimestamp == other.startTimestamp
                && endTimestamp == other.endTimestamp
                && length == other.length
                && Objects.equals(key, other.key)
                && Arrays.equals(features, other.features)
                && Arrays.equals(tokens, other.tokens);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, startPosition, endPosition, length);
    }

    @Override
    public String toString() {
        return "Window{key=" + key + ", positions=" + startPosition + ".." + endPosition + ", length=" + length
                + (isTokens() ? ", tokens" : ", features") + "}";
    }
}
