package io.attentionstream.core.incremental;

import io.attentionstream.core.golden.GoldenCase;
import io.attentionstream.core.window.Window;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the incremental golden cases of models/ (format in models/README.md) as steps and expected
 * results. The past slots are left-padded: row {@code b} with {@code k} cached events holds them
 * in its last {@code k} slots.
 */
public final class IncrementalGolden {
    public static final String MODEL = "incremental_feature_attention";

    private final GoldenCase c;
    private final int past;
    private final int heads;
    private final int headDim;
    private final int dim;

    public IncrementalGolden(GoldenCase c) {
        this.c = c;
        int[] pastShape = c.shape("past_keys");
        this.heads = pastShape[1];
        this.past = pastShape[2];
        this.headDim = pastShape[3];
        this.dim = c.shape("x_new")[2];
    }

    public static List<IncrementalGolden> all() {
        return GoldenCase.all(MODEL).stream().map(IncrementalGolden::new).toList();
    }

    public String name() {
        return c.name();
    }

    public int batch() {
        return c.batch();
    }

    /** Cached events of row b. */
    int cached(int b) {
        return c.lengths()[b] - 1;
    }

    /** Row b as a step: its new event and a cache of its valid past slots, oldest first. */
    IncrementalStep step(int b) {
        int k = cached(b);
        boolean[] mask = c.bools("past_mask");
        float[] keys = c.floats("past_keys");
        float[] values = c.floats("past_values");
        KeyValueCache cache = KeyValueCache.create(past, heads, headDim);
        for (int slot = 0; slot < past; slot++) {
            boolean empty = slot < past - k;
            if (mask[b * past + slot] != empty) {
                throw new IllegalStateException(c + " row " + b + " is not left-padded at slot " + slot);
            }
            if (!empty) {
                cache.append(slot, slot, entry(keys, b, slot), entry(values, b, slot));
            }
        }
        return new IncrementalStep(Arrays.copyOfRange(c.floats("x_new"), b * dim, (b + 1) * dim), cache);
    }

    /** One slot of a {@code [batch, heads, past, headDim]} tensor as a cache entry {@code [heads × headDim]}. */
    private float[] entry(float[] tensor, int b, int slot) {
        float[] entry = new float[heads * headDim];
        for (int h = 0; h < heads; h++) {
            System.arraycopy(tensor, ((b * heads + h) * past + slot) * headDim, entry, h * headDim, headDim);
        }
        return entry;
    }

    float[] expectedOutput(int b) {
        int dOut = c.shape("out")[2];
        return Arrays.copyOfRange(c.floats("out"), b * dOut, (b + 1) * dOut);
    }

    /** Row b's weights without the empty slots: {@code heads × (cached + 1)}. */
    float[] expectedWeights(int b) {
        int length = cached(b) + 1;
        float[] all = c.floats("weights");
        float[] result = new float[heads * length];
        for (int h = 0; h < heads; h++) {
            System.arraycopy(all, (b * heads + h) * (past + 1) + past + 1 - length, result, h * length, length);
        }
        return result;
    }

    float[] expectedNewKey(int b) {
        return Arrays.copyOfRange(c.floats("new_keys"), b * heads * headDim, (b + 1) * heads * headDim);
    }

    float[] expectedNewValue(int b) {
        return Arrays.copyOfRange(c.floats("new_values"), b * heads * headDim, (b + 1) * heads * headDim);
    }

    /** Row b's full window [cached…, new] from {@code window_x}, unpadded, for the window model. */
    Window window(int b) {
        int seq = c.shape("window_x")[1];
        int length = cached(b) + 1;
        boolean[] pad = c.bools("window_pad_mask");
        for (int t = 0; t < seq; t++) {
            if (pad[b * seq + t] != (t < seq - length)) {
                throw new IllegalStateException(c + " window row " + b + " is not left-padded at " + t);
            }
        }
        float[] x = Arrays.copyOfRange(c.floats("window_x"), (b * seq + seq - length) * dim, (b + 1) * seq * dim);
        return Window.ofFeatures(c.name() + "/" + b, 0, length - 1, 0, length - 1, length, x);
    }

    @Override
    public String toString() {
        return c.toString();
    }
}
