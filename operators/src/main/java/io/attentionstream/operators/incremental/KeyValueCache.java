package io.attentionstream.operators.incremental;

import java.util.Arrays;

/**
 * One key's projected keys and values of its last {@code n − 1} accepted events since its last
 * flush: with the next event they make a window of at most {@code n}. A ring: when full, the
 * newest entry overwrites the oldest, so appending never shifts the arrays.
 *
 * <p>A Flink POJO (public fields, no-arg constructor) kept in keyed state, with primitive arrays:
 * a key costs at most {@code 2·(n−1)·width} floats and {@code 2·(n−1)} longs. The arrays grow by
 * doubling up to the limit, so a key with few events stays small.
 */
public class KeyValueCache {
    /** Most entries held: the window size minus one. */
    public int limit;
    /** Floats per entry's key (and value): heads × head_dim. */
    public int width;
    /** Slot of the oldest entry. */
    public int start;
    /** Entries held. */
    public int size;
    public long[] positions;
    public long[] timestamps;
    /** {@code slots × width}, row-major: slot {@code i}'s key is at {@code i·width}. */
    public float[] keys;
    public float[] values;

    public KeyValueCache() {}

    /** An empty cache for windows of {@code limit + 1} events. */
    public static KeyValueCache create(int limit, int width) {
        if (limit < 0 || width < 1) {
            throw new IllegalArgumentException("A cache needs limit >= 0 and width >= 1, got " + limit + " and " + width + ".");
        }
        KeyValueCache cache = new KeyValueCache();
        cache.limit = limit;
        cache.width = width;
        cache.positions = new long[0];
        cache.timestamps = new long[0];
        cache.keys = new float[0];
        cache.values = new float[0];
        return cache;
    }

    /** Entries held, at most {@link #limit}. */
    public int entries() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Offset into {@link #keys} and {@link #values} of the {@code i}-th entry, oldest first. */
    public int offset(int i) {
        return checkedSlot(i) * width;
    }

    /** Position of the {@code i}-th entry, oldest first. */
    public long position(int i) {
        return positions[checkedSlot(i)];
    }

    /** Event time of the {@code i}-th entry, oldest first. */
    public long timestamp(int i) {
        return timestamps[checkedSlot(i)];
    }

    /** Adds the newest entry, dropping the oldest when the cache holds {@link #limit} already. */
    public void append(long position, long timestamp, float[] key, float[] value) {
        if (key.length != width || value.length != width) {
            throw new IllegalArgumentException("A cache entry has " + width + " floats, got a key of " + key.length
                    + " and a value of " + value.length + ".");
        }
        if (limit == 0) {
            return;
        }
        int slot;
        if (size < limit) {
            grow(size + 1);
            slot = slot(size);
            size++;
        } else {
            slot = start;
            start = (start + 1) % limit;
        }
        positions[slot] = position;
        timestamps[slot] = timestamp;
        System.arraycopy(key, 0, keys, slot * width, width);
        System.arraycopy(value, 0, values, slot * width, width);
    }

    private int checkedSlot(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("Entry " + i + " of a cache holding " + size + ".");
        }
        return slot(i);
    }

    private int slot(int i) {
        return (start + i) % positions.length;
    }

    /**
     * Until the cache is first full, {@code start} is 0 and the entries sit in slots {@code 0..size−1},
     * so growing is a plain copy; once full the arrays hold exactly {@code limit} slots and never grow.
     */
    private void grow(int needed) {
        if (positions.length >= needed) {
            return;
        }
        int slots = Math.min(limit, Math.max(needed, 2 * positions.length));
        positions = Arrays.copyOf(positions, slots);
        timestamps = Arrays.copyOf(timestamps, slots);
        keys = Arrays.copyOf(keys, slots * width);
        values = Arrays.copyOf(values, slots * width);
    }

    @Override
    public String toString() {
        return "KeyValueCache{entries=" + size + "/" + limit + ", width=" + width
                + (size > 0 ? ", positions=" + position(0) + ".." + position(size - 1) : "") + "}";
    }
}
