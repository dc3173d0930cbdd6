package io.attentionstream.tools.viz;

import java.util.Locale;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Which layer of a weights record to draw: a model layer by its index (as in the record's
 * {@code layer_indexes}), or the last layer the record holds.
 */
public final class LayerChoice {
    public static final LayerChoice LAST = new LayerChoice(-1);

    /** The model's layer index, or -1 for the record's last layer. */
    private final int index;

    private LayerChoice(int index) {
        this.index = index;
    }

    public static LayerChoice index(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("A layer index is 0 or more, got " + index + ".");
        }
        return new LayerChoice(index);
    }

    /** Reads "last" or a layer index. */
    public static LayerChoice parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("last")) {
            return LAST;
        }
        try {
            return index(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Layer \"" + text + "\" is not a layer index or last.");
        }
    }

    /**
     * The position in the record of the chosen layer.
     *
     * @throws IllegalArgumentException naming the window and the layers it holds, if it does not
     *     hold the chosen one
     */
    public int positionIn(WeightsView weights) {
        if (index < 0) {
            return weights.lastLayer();
        }
        OptionalInt at = weights.layerOf(index);
        if (at.isEmpty()) {
            throw new IllegalArgumentException("Layer " + index + " is not in the weights record of "
                    + WeightsView.windowName(weights.record()) + ": it holds layer"
                    + (weights.layers() == 1 ? " " : "s ")
                    + weights.layerIndexes().stream().map(String::valueOf).collect(Collectors.joining(", "))
                    + "; choose one of them or last.");
        }
        return at.getAsInt();
    }

    @Override
    public String toString() {
        return index < 0 ? "last" : Integer.toString(index);
    }
}
