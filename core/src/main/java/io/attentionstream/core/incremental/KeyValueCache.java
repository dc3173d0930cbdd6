package io.attentionstream.core.incremental;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One key's projected keys and values of its last {@code n − 1} accepted events since its last
 * flush: with the next event they make a window of at most {@code n}. A ring: when full, the
 * newest entry overwrites the oldest, so appending never shifts the arrays.
 *
 * <p>A Flink POJO (public fields, no-arg constructor) kept in keyed state, with primitive arrays:
 * a key costs at most {@code 2·(n−1)·width} floats and {@code 2·(n−1)} longs. The arrays grow by
 * doubling up to the limit, so a key with few events stays small.
 *
 * <p>{@link #id} and {@link #version} name the exact contents, so a copy of them held elsewhere
 * (the model's resident rows) can tell whether it is still current: a new cache gets a new id and
 * every append a new version.
 */
public class KeyValueCache {
    /** Most entries held: the window size minus one. */
    public int limit;
    /** Floats per entry's key (and value): heads × head_dim. */
    public int width;
    /** Floats per head of an entry's key (and value). */
    public int headDim;
    /** Slot of the oldest entry. */
    public int start;
    /** Entries held. */
    public int size;
    /** Random and never 0 for a cache made by {@link #create}; 0 for one restored from before ids existed. */
    public long id;
    /** Appends since the cache was made. */
    public long version;

    public long[] positions;
    public long[] timestamps;
    /**
     * {@code heads × slots × headDim}, head-major: head {@code h} of slot {@code s} is at
     * {@code (h·slots + s)·headDim}. Each head's entries lie in a row, as the model takes them,
     * so a step's past is copied with two bulk copies per head instead of one per entry.
     */
    public float[] keys;

    public float[] values;

    public KeyValueCache() {}

    /** An empty cache of one head for windows of {@code limit + 1} events. */
    public static KeyValueCache create(int limit, int width) {
        return create(limit, 1, width);
    }

    /** An empty cache for windows of {@code limit + 1} events of a model with these heads. */
    public static KeyValueCache create(int limit, int heads, int headDim) {
        if (limit < 0 || heads < 1 || headDim < 1) {
            throw new IllegalArgumentException("A cache needs limit >= 0, heads >= 1 and headDim >= 1, got " + limit
                    + ", " + heads + " and " + headDim + ".");
        }
        KeyValueCache cache = new KeyValueCache();
        cache.limit = limit;
        cache.width = heads * headDim;
        cache.headDim = headDim;
        cache.id = newId();
        cache.positions = new long[0];
        cache.timestamps = new long[0];
        cache.keys = new float[0];
        cache.values = new float[0];
        return cache;
    }

    /** A random id, never 0. */
    public static long newId() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return id;
    }

    /** Entries held, at most {@link #limit}. */
    public int entries() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The {@code i}-th entry's key, oldest first, as {@code heads × headDim}. */
    public float[] key(int i) {
        return entry(keys, checkedSlot(i));
    }

    /** The {@code i}-th entry's value, oldest first, as {@code heads × headDim}. */
    public float[] value(int i) {
        return entry(values, checkedSlot(i));
    }

    private float[] entry(float[] source, int slot) {
        float[] entry = new float[width];
        int slots = positions.length;
        for (int h = 0; h < heads(); h++) {
            System.arraycopy(source, (h * slots + slot) * headDim, entry, h * headDim, headDim);
        }
        return entry;
    }

    public int heads() {
        return width / headDim;
    }

    /**
     * Writes head {@code h} of every entry's key (or value), oldest first and contiguous, into
     * {@code target} from {@code index}: at most two bulk copies, as the ring may wrap.
     */
    public void putHead(int h, boolean ofValues, FloatBuffer target, int index) {
        float[] source = ofValues ? values : keys;
        int slots = positions.length;
        int first = Math.min(size, slots - start);
        target.put(index, source, (h * slots + start) * headDim, first * headDim);
        if (first < size) {
            target.put(index + first * headDim, source, h * slots * headDim, (size - first) * headDim);
        }
    }

    /**
     * Writes every entry's key and value into a row of {@code heads × limit × headDim} floats from
     * {@code offset}, each in its own slot (not oldest first): the layout of the model's resident
     * rows. Slots the cache does not fill yet are left as they are.
     */
    public void copySlotsInto(FloatBuffer keyRow, FloatBuffer valueRow, int offset) {
        int slots = positions.length;
        if (slots == limit) {
            // Full size: the arrays have the row's layout already.
            keyRow.put(offset, keys, 0, limit * width);
            valueRow.put(offset, values, 0, limit * width);
            return;
        }
        for (int h = 0; h < heads(); h++) {
            keyRow.put(offset + h * limit * headDim, keys, h * slots * headDim, size * headDim);
            valueRow.put(offset + h * limit * headDim, values, h * slots * headDim, size * headDim);
        }
    }

    /** The slot that the {@code i}-th entry, oldest first, is in. */
    public int slotOf(int i) {
        return checkedSlot(i);
    }

    /** The slot the next {@link #append} writes: the next free one, or the oldest entry's once full. */
    public int nextSlot() {
        return size < limit ? size : start;
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
        version++;
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
        int slots = positions.length;
        for (int h = 0; h < heads(); h++) {
            System.arraycopy(key, h * headDim, keys, (h * slots + slot) * headDim, headDim);
            System.arraycopy(value, h * headDim, values, (h * slots + slot) * headDim, headDim);
        }
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
        int oldSlots = positions.length;
        int slots = Math.min(limit, Math.max(needed, 2 * oldSlots));
        positions = Arrays.copyOf(positions, slots);
        timestamps = Arrays.copyOf(timestamps, slots);
        keys = regrouped(keys, oldSlots, slots);
        values = regrouped(values, oldSlots, slots);
    }

    /** The same head-major entries in arrays of more slots per head. */
    private float[] regrouped(float[] source, int oldSlots, int slots) {
        float[] grown = new float[slots * width];
        for (int h = 0; h < heads(); h++) {
            System.arraycopy(source, h * oldSlots * headDim, grown, h * slots * headDim, oldSlots * headDim);
        }
        return grown;
    }

    @Override
    public String toString() {
        return "KeyValueCache{entries=" + size + "/" + limit + ", width=" + width
                + (size > 0 ? ", positions=" + position(0) + ".." + position(size - 1) : "") + "}";
    }
}
