package io.attentionstream.core.window;

import java.util.Arrays;

/**
 * One key's accepted events since its last flush, at most one window's worth, and the counting
 * rule of DESIGN.md's window semantics: window {@code k} holds events {@code k·s … k·s+n−1}.
 *
 * <p>The buffer always starts at a stride boundary: it fills to {@code n}, the full window is
 * emitted, and the first {@code s} events are dropped, so the {@code n−s} left over are the start of
 * the next window and are already covered by the emitted one.
 *
 * <p>A Flink POJO (public fields, no-arg constructor) kept in keyed state, with primitive arrays so
 * a key costs {@code n·(16 + 4·d)} bytes and no boxing.
 */
public class KeyBuffer {
    /** Capacity {@code n}; positions of the buffered events, oldest first. */
    public long[] positions;

    public long[] timestamps;
    /** {@code n × d} feature rows, row-major; null for token models. */
    public float[] features;
    /** {@code n} token ids; null for feature models. */
    public long[] tokens;
    /** Events held. */
    public int size;
    /** The first {@code covered} events are already part of an emitted window. */
    public int covered;

    public KeyBuffer() {}

    public static KeyBuffer forConfig(WindowerConfig config) {
        int n = config.windowSize();
        KeyBuffer buffer = new KeyBuffer();
        buffer.positions = new long[n];
        buffer.timestamps = new long[n];
        switch (config.inputKind()) {
            case FEATURES -> buffer.features = new float[n * config.featureDim()];
            case TOKENS -> buffer.tokens = new long[n];
        }
        return buffer;
    }

    /**
     * Appends a valid, accepted event.
     *
     * @return the window this event completes, or null
     */
    public Window add(String key, Event event, int stride) {
        int capacity = positions.length;
        positions[size] = event.position;
        timestamps[size] = event.timestamp;
        if (tokens != null) {
            tokens[size] = event.token;
        } else {
            int dim = features.length / capacity;
            System.arraycopy(event.features, 0, features, size * dim, dim);
        }
        size++;
        if (size < capacity) {
            return null;
        }
        Window full = toWindow(key);
        dropFirst(stride);
        return full;
    }

    /**
     * Ends the sequence: empties the buffer and returns the window that starts at the next stride
     * boundary (the buffer's start) holding every remaining event, or null when all of them are
     * already covered by an emitted window.
     */
    public Window flush(String key) {
        Window rest = size > covered ? toWindow(key) : null;
        size = 0;
        covered = 0;
        return rest;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    private void dropFirst(int count) {
        int kept = size - count;
        System.arraycopy(positions, count, positions, 0, kept);
        System.arraycopy(timestamps, count, timestamps, 0, kept);
        if (tokens != null) {
            System.arraycopy(tokens, count, tokens, 0, kept);
        } else {
            int dim = features.length / positions.length;
            System.arraycopy(features, count * dim, features, 0, kept * dim);
        }
        size = kept;
        covered = kept;
    }

    /** A window of the buffered events, with copies: the buffer is reused for the next one. */
    private Window toWindow(String key) {
        long first = positions[0];
        long last = positions[size - 1];
        long firstTs = timestamps[0];
        long lastTs = timestamps[size - 1];
        if (tokens != null) {
            return Window.ofTokens(key, first, last, firstTs, lastTs, size, Arrays.copyOf(tokens, size));
        }
        int dim = features.length / positions.length;
        return Window.ofFeatures(key, first, last, firstTs, lastTs, size, Arrays.copyOf(features, size * dim));
    }
}
