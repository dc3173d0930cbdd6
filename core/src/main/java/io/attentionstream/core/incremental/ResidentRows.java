package io.attentionstream.core.incremental;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies of key/value caches kept between model runs in the model's own input layout, one cache
 * per row of {@code heads × limit × headDim} floats (and a row of {@code limit} mask bytes), so
 * that a run over a span of rows reads them in place: a key whose cache is resident costs no copy
 * of its past, only the write of its new entry.
 *
 * <p>A row holds a cache's entries in the cache's own ring slots, not oldest first: attention over
 * the past does not depend on the order of its slots (models/README.md), and the weights are put
 * back in order when they are read ({@link KeyValueCache#slotOf}).
 *
 * <p>The rows are only a copy. A row is used for a cache only while it holds the cache's exact
 * contents ({@link KeyValueCache#id} and {@link KeyValueCache#version}); otherwise the cache is
 * copied in again. A stale row is never read for a result, so the keyed state stays the only
 * truth and nothing here is checkpointed.
 *
 * <p>Not thread-safe; one per model instance.
 */
final class ResidentRows {
    /** Marks a row that holds nothing. */
    private static final long NO_CACHE = 0;

    private final int heads;
    private final int headDim;
    private final int limit;
    private final int maxRows;
    /** Floats per row of keys (and of values). */
    private final int rowFloats;

    private ByteBuffer keys;
    private ByteBuffer values;
    private FloatBuffer keyFloats;
    private FloatBuffer valueFloats;
    private ByteBuffer mask;
    private long[] cacheIds;
    private long[] versions;
    private long[] lastUsed;
    private final Map<Long, Integer> rowOfCache = new HashMap<>();
    /** Rows handed out so far; the buffers may hold more. */
    private int used;
    /** Counts reallocations: buffers from {@link #keys}, {@link #values} and {@link #mask} of an earlier one are stale. */
    private int generation;

    private long placements;
    private long copies;

    ResidentRows(int heads, int headDim, int limit, int maxRows) {
        if (limit < 1 || maxRows < 1) {
            throw new IllegalArgumentException(
                    "Resident rows need limit >= 1 and maxRows >= 1, got " + limit + " and " + maxRows + ".");
        }
        this.heads = heads;
        this.headDim = headDim;
        this.limit = limit;
        this.maxRows = maxRows;
        this.rowFloats = heads * limit * headDim;
        allocate(0);
    }

    /** Entries per row: the caches' limit. */
    int limit() {
        return limit;
    }

    int maxRows() {
        return maxRows;
    }

    /** Rows handed out so far. */
    int rows() {
        return used;
    }

    /** Changes whenever the rows move to new buffers, which leaves views taken before it stale. */
    int generation() {
        return generation;
    }

    /** Caches copied into a row, because they were not resident or their row was stale. */
    long copies() {
        return copies;
    }

    /** Steps placed in a row. */
    long placements() {
        return placements;
    }

    /**
     * Gives each cache of a wave a row holding its current contents, copying only where none does,
     * and never reusing a row that another cache of the wave needs. The caches are distinct, at
     * most {@link #maxRows()}, with {@link KeyValueCache#limit} equal to {@link #limit()}; waves are
     * numbered from 1 up. Returns the rows, in the order of the caches.
     */
    int[] place(List<KeyValueCache> caches, long wave) {
        if (caches.size() > maxRows) {
            throw new IllegalArgumentException(caches.size() + " caches for " + maxRows + " rows.");
        }
        int[] placed = new int[caches.size()];
        boolean[] taken = new boolean[used + caches.size()];
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < caches.size(); i++) {
            Integer row = rowOfCache.get(caches.get(i).id);
            if (row != null) {
                placed[i] = row;
                taken[row] = true;
            } else {
                missing.add(i);
            }
        }
        for (int i : missing) {
            int row = freeRow(taken);
            taken[row] = true;
            placed[i] = row;
        }
        for (int i = 0; i < caches.size(); i++) {
            KeyValueCache cache = caches.get(i);
            int row = placed[i];
            if (cacheIds[row] != cache.id || versions[row] != cache.version) {
                load(row, cache);
            }
            lastUsed[row] = wave;
        }
        placements += caches.size();
        return placed;
    }

    /** Keys of {@code count} rows from {@code first}, as the model's {@code past_keys} {@code [count, heads, limit, headDim]}. */
    FloatBuffer keys(int first, int count) {
        return floats(keys, first, count);
    }

    /** Values of {@code count} rows from {@code first}, as {@code past_values}. */
    FloatBuffer values(int first, int count) {
        return floats(values, first, count);
    }

    /** Mask of {@code count} rows from {@code first}, as {@code past_mask} {@code [count, limit]}: 1 = empty slot. */
    ByteBuffer mask(int first, int count) {
        return mask.duplicate()
                .position(first * limit)
                .limit((first + count) * limit)
                .slice();
    }

    /**
     * Writes a step's new entry into its cache's row, in the slot where {@link KeyValueCache#append}
     * puts it, so that the row still matches once the cache has it. If the cache never gets it
     * (the key is flushed or fails), the row is stale and will not be read again.
     */
    void append(int row, KeyValueCache cache, FloatBuffer newKeys, FloatBuffer newValues, int index) {
        int slot = cache.nextSlot();
        int width = heads * headDim;
        for (int h = 0; h < heads; h++) {
            int at = row * rowFloats + (h * limit + slot) * headDim;
            keyFloats.put(at, newKeys, index * width + h * headDim, headDim);
            valueFloats.put(at, newValues, index * width + h * headDim, headDim);
        }
        mask.put(row * limit + slot, (byte) 0);
        versions[row] = cache.version + 1;
    }

    private void load(int row, KeyValueCache cache) {
        if (cacheIds[row] != NO_CACHE) {
            rowOfCache.remove(cacheIds[row]);
        }
        cache.copySlotsInto(keyFloats, valueFloats, row * rowFloats);
        // Slots fill from 0 until the cache is full (KeyValueCache keeps start at 0 until then).
        int filled = Math.min(cache.entries(), limit);
        for (int s = 0; s < limit; s++) {
            mask.put(row * limit + s, (byte) (s < filled ? 0 : 1));
        }
        cacheIds[row] = cache.id;
        versions[row] = cache.version;
        rowOfCache.put(cache.id, row);
        copies++;
    }

    /** A row none of this wave's caches uses: a new one while there is room, else the least recently used. */
    private int freeRow(boolean[] taken) {
        if (used < maxRows) {
            if (used == cacheIds.length) {
                allocate(Math.min(maxRows, Math.max(used + 1, 2 * used)));
            }
            return used++;
        }
        int best = -1;
        for (int row = 0; row < used; row++) {
            if ((row >= taken.length || !taken[row]) && (best < 0 || lastUsed[row] < lastUsed[best])) {
                best = row;
            }
        }
        return best;
    }

    /** Grows to {@code rows} rows, keeping every row's contents; new rows hold nothing. */
    private void allocate(int rows) {
        int old = cacheIds == null ? 0 : cacheIds.length;
        keys = grown(keys, (long) rows * rowFloats * Float.BYTES);
        values = grown(values, (long) rows * rowFloats * Float.BYTES);
        mask = grown(mask, (long) rows * limit);
        keyFloats = keys.asFloatBuffer();
        valueFloats = values.asFloatBuffer();
        generation++;
        cacheIds = cacheIds == null ? new long[rows] : Arrays.copyOf(cacheIds, rows);
        versions = versions == null ? new long[rows] : Arrays.copyOf(versions, rows);
        lastUsed = lastUsed == null ? new long[rows] : Arrays.copyOf(lastUsed, rows);
        for (int row = old; row < rows; row++) {
            cacheIds[row] = NO_CACHE;
        }
    }

    private static ByteBuffer grown(ByteBuffer old, long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Resident rows of " + bytes + " bytes do not fit one buffer.");
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
        if (old != null) {
            buffer.put(old.duplicate().clear());
            buffer.clear();
        }
        return buffer;
    }

    private FloatBuffer floats(ByteBuffer buffer, int first, int count) {
        long from = (long) first * rowFloats * Float.BYTES;
        long length = (long) count * rowFloats * Float.BYTES;
        return buffer.slice((int) from, (int) length)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }
}
