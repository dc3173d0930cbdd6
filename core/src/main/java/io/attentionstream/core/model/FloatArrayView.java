package io.attentionstream.core.model;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * A read-only {@code List<Float>} over a {@code float[]}: what the generated Avro records take for
 * {@code array<float>}, without copying the array into boxed floats up front.
 */
public final class FloatArrayView extends AbstractList<Float> implements RandomAccess {
    private final float[] values;

    private FloatArrayView(float[] values) {
        this.values = values;
    }

    public static FloatArrayView of(float[] values) {
        return new FloatArrayView(java.util.Objects.requireNonNull(values, "values"));
    }

    @Override
    public Float get(int index) {
        return values[index];
    }

    @Override
    public int size() {
        return values.length;
    }
}
