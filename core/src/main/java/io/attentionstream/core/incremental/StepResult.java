package io.attentionstream.core.incremental;

/**
 * The model's result for one step: the newest position of a window of {@code length} events.
 *
 * @param length events in the window: the cached ones and the new one
 * @param output {@code outputDim} floats: the window's last output row
 * @param weights {@code heads × length}, row-major: the new position's attention per head over the
 *     cached events (oldest first) and itself (last)
 * @param newKey the new event's key, {@code heads × headDim}: the entry to cache
 * @param newValue the new event's value, {@code heads × headDim}
 */
public record StepResult(int length, float[] output, float[] weights, float[] newKey, float[] newValue) {

    /** True when every output, weight, key and value is a finite number. */
    public boolean isFinite() {
        return allFinite(output) && allFinite(weights) && allFinite(newKey) && allFinite(newValue);
    }

    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
