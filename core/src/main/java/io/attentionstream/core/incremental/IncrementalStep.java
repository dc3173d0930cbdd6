package io.attentionstream.core.incremental;

import java.util.Objects;

/**
 * One new event of a key, ready for the model: its features and the key's cached keys and values
 * of the events before it in its window.
 *
 * @param features the new event's {@code d} features
 * @param past the key's cache (read, not changed), or null when the event starts a window
 */
public record IncrementalStep(float[] features, KeyValueCache past) {

    public IncrementalStep {
        Objects.requireNonNull(features, "features");
    }

    /** Cached events before this one in its window. */
    public int pastLength() {
        return past == null ? 0 : past.entries();
    }
}
