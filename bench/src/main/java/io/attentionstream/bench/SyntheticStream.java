package io.attentionstream.bench;

import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.Window;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generated inputs of the benchmark, made before any clock starts: full windows for the ORT paths,
 * and feature events of several keys (round-robin, positions 0, 1, ... per key) for the operator and
 * pipeline paths. Feature vectors are standard normal and drawn from a pool, so a long stream costs
 * little memory; the windower copies them, it never writes to them.
 */
final class SyntheticStream {
    private static final int VECTOR_POOL = 1024;
    private static final long T0 = 1_700_000_000_000L;

    private final int dim;
    private final float[][] vectors;
    /** Key names, made once: {@link #event} runs once per event of a long stream. */
    private String[] names = new String[0];

    SyntheticStream(int dim, long seed) {
        this.dim = dim;
        Random random = new Random(seed);
        vectors = new float[VECTOR_POOL][dim];
        for (float[] v : vectors) {
            for (int j = 0; j < dim; j++) {
                v[j] = (float) random.nextGaussian();
            }
        }
    }

    static String keyName(int k) {
        return "bench-" + k;
    }

    /** The feature vector of event {@code i} of the stream. */
    float[] vector(long i) {
        return vectors[(int) (i % VECTOR_POOL)];
    }

    /** {@code count} distinct windows of {@code n} valid events each. */
    List<Window> windows(int count, int n) {
        List<Window> windows = new ArrayList<>(count);
        for (int w = 0; w < count; w++) {
            float[] features = new float[n * dim];
            for (int t = 0; t < n; t++) {
                System.arraycopy(vector((long) w * n + t + w), 0, features, t * dim, dim);
            }
            windows.add(Window.ofFeatures(keyName(w), 0, n - 1, T0, T0 + n - 1, n, features));
        }
        return windows;
    }

    /** Event {@code i} of a stream of {@code keys} keys taking turns. */
    Event event(long i, int keys, long timestamp) {
        if (names.length != keys) {
            String[] made = new String[keys];
            for (int k = 0; k < keys; k++) {
                made[k] = keyName(k);
            }
            names = made;
        }
        return Event.ofFeatures(names[(int) (i % keys)], i / keys, timestamp, vector(i));
    }

    /** The first {@code count} events of a stream of {@code keys} keys, timestamps 1 ms apart. */
    Event[] events(int count, int keys) {
        Event[] events = new Event[count];
        for (int i = 0; i < count; i++) {
            events[i] = event(i, keys, T0 + i);
        }
        return events;
    }

    /** Windows that {@code events} events over {@code keys} keys yield with stride 1: n−1 per key make none. */
    static long windowsOf(long events, int keys, int n) {
        long total = 0;
        for (int k = 0; k < keys; k++) {
            long perKey = events / keys + (k < events % keys ? 1 : 0);
            total += Math.max(0, perKey - n + 1);
        }
        return total;
    }
}
