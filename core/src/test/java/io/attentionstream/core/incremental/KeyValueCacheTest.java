package io.attentionstream.core.incremental;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The ring of a key's last {@code n − 1} keys and values: order, bounds and growth. */
class KeyValueCacheTest {
    private static final int WIDTH = 3;

    @Test
    void holdsTheLastLimitEntriesOldestFirstOnceFull() {
        KeyValueCache cache = KeyValueCache.create(4, WIDTH);
        for (long p = 0; p < 10; p++) {
            cache.append(p, 100 + p, entry(p), entry(-p));
        }

        assertThat(cache.entries()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            long position = 6 + i;
            assertThat(cache.position(i)).isEqualTo(position);
            assertThat(cache.timestamp(i)).isEqualTo(100 + position);
            assertThat(cache.key(i)).containsExactly(entry(position));
            assertThat(cache.value(i)).containsExactly(entry(-position));
        }
    }

    @Test
    void growsWithItsEntriesUpToTheLimitAndNoFurther() {
        KeyValueCache cache = KeyValueCache.create(5, WIDTH);
        assertThat(cache.positions).isEmpty();

        cache.append(0, 0, entry(0), entry(0));
        assertThat(cache.positions).hasSize(1);
        cache.append(1, 1, entry(1), entry(1));
        cache.append(2, 2, entry(2), entry(2));
        assertThat(cache.positions).hasSize(4);
        for (long p = 3; p < 20; p++) {
            cache.append(p, p, entry(p), entry(p));
        }

        assertThat(cache.positions).hasSize(5);
        assertThat(cache.keys).hasSize(5 * WIDTH);
        assertThat(cache.values).hasSize(5 * WIDTH);
        assertThat(cache.position(0)).isEqualTo(15);
        assertThat(cache.position(4)).isEqualTo(19);
    }

    @Test
    void aCacheOfLimitZeroStaysEmpty() {
        KeyValueCache cache = KeyValueCache.create(0, WIDTH);
        cache.append(0, 0, entry(0), entry(0));
        assertThat(cache.isEmpty()).isTrue();
        assertThat(cache.keys).isEmpty();
    }

    @Test
    void refusesEntriesOfAnotherWidthAndIndexesOutsideItsEntries() {
        KeyValueCache cache = KeyValueCache.create(2, WIDTH);
        assertThatThrownBy(() -> cache.append(0, 0, new float[WIDTH + 1], new float[WIDTH]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 floats");
        cache.append(0, 0, entry(0), entry(0));
        assertThatThrownBy(() -> cache.position(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    private static float[] entry(long position) {
        return new float[] {position, position + 0.5f, -position};
    }

    @Test
    void eachHeadsEntriesLieInARowOldestFirstAcrossTheWrap() {
        int heads = 2;
        int headDim = 3;
        KeyValueCache cache = KeyValueCache.create(3, heads, headDim);
        for (long p = 0; p < 5; p++) {
            float[] key = new float[heads * headDim];
            for (int h = 0; h < heads; h++) {
                java.util.Arrays.fill(key, h * headDim, (h + 1) * headDim, 10 * h + p);
            }
            cache.append(p, p, key, key.clone());
        }
        java.nio.FloatBuffer target = java.nio.FloatBuffer.allocate(3 * headDim);
        cache.putHead(1, false, target, 0);
        // Entries 2, 3, 4 remain; head 1 holds 10 + position.
        assertThat(target.array()).containsExactly(12, 12, 12, 13, 13, 13, 14, 14, 14);
        cache.putHead(0, true, target, 0);
        assertThat(target.array()).containsExactly(2, 2, 2, 3, 3, 3, 4, 4, 4);
    }
}
