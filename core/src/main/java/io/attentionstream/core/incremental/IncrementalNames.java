package io.attentionstream.core.incremental;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The tensor names that only an incremental model has (models/README.md, "Incremental contract").
 * The {@code out} and {@code weights} names are shared with window models and come from
 * {@link io.attentionstream.core.model.ModelConfig}.
 *
 * @param newFeatures {@code [batch, 1, d]} input: the new event
 * @param pastKeys {@code [batch, heads, past, head_dim]} input: cached keys, oldest first
 * @param pastValues {@code [batch, heads, past, head_dim]} input: cached values, oldest first
 * @param pastMask {@code [batch, past]} bool input, true = empty slot
 * @param newKeys {@code [batch, heads, 1, head_dim]} output: the new event's key
 * @param newValues {@code [batch, heads, 1, head_dim]} output: the new event's value
 */
public record IncrementalNames(
        String newFeatures, String pastKeys, String pastValues, String pastMask, String newKeys, String newValues)
        implements Serializable {

    public static final String DEFAULT_NEW_FEATURES = "x_new";
    public static final String DEFAULT_PAST_KEYS = "past_keys";
    public static final String DEFAULT_PAST_VALUES = "past_values";
    public static final String DEFAULT_PAST_MASK = "past_mask";
    public static final String DEFAULT_NEW_KEYS = "new_keys";
    public static final String DEFAULT_NEW_VALUES = "new_values";

    public IncrementalNames {
        requireName(newFeatures, "new features input");
        requireName(pastKeys, "past keys input");
        requireName(pastValues, "past values input");
        requireName(pastMask, "past mask input");
        requireName(newKeys, "new keys output");
        requireName(newValues, "new values output");
    }

    /** The names {@code models/export.py} gives. */
    public static IncrementalNames defaults() {
        return new IncrementalNames(
                DEFAULT_NEW_FEATURES,
                DEFAULT_PAST_KEYS,
                DEFAULT_PAST_VALUES,
                DEFAULT_PAST_MASK,
                DEFAULT_NEW_KEYS,
                DEFAULT_NEW_VALUES);
    }

    /** The inputs in the order the contract lists them. */
    public List<String> inputs() {
        return List.of(newFeatures, pastKeys, pastValues, pastMask);
    }

    private static void requireName(String name, String what) {
        Objects.requireNonNull(name, what + " name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("The " + what + " name must not be blank.");
        }
    }
}
