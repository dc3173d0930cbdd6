package io.attentionstream.tools.viz;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * What one heatmap image shows: a {@code rows × cols} matrix (row-major), drawn on the colour
 * scale 0 … {@code scaleMax}, with labelled axes and two title lines. Knows nothing of attention,
 * so the renderer can be tested with any matrix.
 *
 * @param title first title line (e.g. key and window positions)
 * @param subtitle second title line (e.g. head and model)
 * @param rows matrix rows, drawn top to bottom
 * @param cols matrix columns, drawn left to right
 * @param values {@code rows × cols} values, row-major; not copied, so do not change it afterwards
 * @param scaleMax the value drawn brightest; a shared scale lets images of one window be compared
 * @param rowAxis the axis down the left side, one label per row
 * @param colAxis the axis along the bottom, one label per column
 */
public record Heatmap(
        String title, String subtitle, int rows, int cols, float[] values, float scaleMax, Axis rowAxis, Axis colAxis) {

    public Heatmap {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(subtitle, "subtitle");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(rowAxis, "rowAxis");
        Objects.requireNonNull(colAxis, "colAxis");
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException(
                    "A heatmap needs at least one row and one column, got " + rows + " × " + cols + ".");
        }
        if (values.length != rows * cols) {
            throw new IllegalArgumentException("A " + rows + " × " + cols + " heatmap needs " + rows * cols
                    + " values, got " + values.length + ".");
        }
        if (!(scaleMax > 0) || Float.isInfinite(scaleMax)) {
            throw new IllegalArgumentException("scaleMax must be positive and finite, got " + scaleMax + ".");
        }
        checkLabels(rowAxis, rows, "row");
        checkLabels(colAxis, cols, "column");
    }

    public float value(int row, int col) {
        return values[row * cols + col];
    }

    private static void checkLabels(Axis axis, int count, String what) {
        if (axis.labels().size() != count) {
            throw new IllegalArgumentException("The " + what + " axis \"" + axis.title() + "\" has "
                    + axis.labels().size() + " labels for " + count + " " + what + "s.");
        }
    }

    /** An axis title and one label per row or column. */
    public record Axis(String title, List<String> labels) {
        public Axis {
            Objects.requireNonNull(title, "title");
            labels = List.copyOf(labels);
        }

        /**
         * Positions {@code first, first+1, …}; with tokens (one per position, may be null) each
         * label also names its token id, as "184 [523]".
         */
        public static Axis positions(String title, long first, int count, long[] tokens) {
            return labelled(title, i -> Long.toString(first + i), count, tokens);
        }

        /** Indexes 0 … count−1, for windows whose positions are not consecutive. */
        public static Axis indexes(String title, int count, long[] tokens) {
            return labelled(title, Integer::toString, count, tokens);
        }

        private static Axis labelled(String title, IntFunction<String> label, int count, long[] tokens) {
            if (tokens != null && tokens.length != count) {
                throw new IllegalArgumentException("Got " + tokens.length + " token ids for " + count
                        + " positions of \"" + title + "\": pass one per position, or none.");
            }
            List<String> labels = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                labels.add(tokens == null ? label.apply(i) : label.apply(i) + " [" + tokens[i] + "]");
            }
            return new Axis(tokens == null ? title : title + " [token id]", labels);
        }
    }
}
