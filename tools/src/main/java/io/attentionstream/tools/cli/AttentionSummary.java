package io.attentionstream.tools.cli;

import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.tools.viz.WeightsView;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The gist of an attention weights record for a terminal: per head (of each layer the record
 * holds), the three most attended key positions of the last query row, and the mean entropy of
 * the rows.
 */
public final class AttentionSummary {
    private AttentionSummary() {}

    /** Indexes (0-based within the window) of the {@code k} largest values of a row, largest first. */
    static int[] topK(List<Float> weights, int offset, int length, int k) {
        int n = Math.min(k, length);
        int[] best = new int[n];
        float[] bestValue = new float[n];
        java.util.Arrays.fill(bestValue, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < length; i++) {
            float v = weights.get(offset + i);
            for (int slot = 0; slot < n; slot++) {
                if (v > bestValue[slot]) {
                    System.arraycopy(best, slot, best, slot + 1, n - slot - 1);
                    System.arraycopy(bestValue, slot, bestValue, slot + 1, n - slot - 1);
                    best[slot] = i;
                    bestValue[slot] = v;
                    break;
                }
            }
        }
        return best;
    }

    /** Shannon entropy (nats) of one row. */
    static double entropy(List<Float> weights, int offset, int length) {
        double h = 0;
        for (int i = 0; i < length; i++) {
            double p = weights.get(offset + i);
            if (p > 0) {
                h -= p * Math.log(p);
            }
        }
        return h;
    }

    /**
     * One line per head: "  head 0: top 63 (0.41) 62 (0.20) 12 (0.05), row entropy 2.310 (uniform
     * 2.773)". A record that {@linkplain WeightsView#namesLayers() names layers} gets a "  layer 5:"
     * line before each of its layers, whose head lines are indented by two more spaces.
     *
     * @throws IllegalArgumentException naming the window, if the record breaks the data contract
     */
    public static List<String> describe(AttentionWeights w) {
        WeightsView weights = WeightsView.of(w);
        if (!weights.namesLayers()) {
            return describeLayer(weights, 0, "  ");
        }
        List<String> lines = new ArrayList<>();
        for (int l = 0; l < weights.layers(); l++) {
            lines.add("  " + weights.layerLabel(l) + ":");
            lines.addAll(describeLayer(weights, l, "    "));
        }
        return lines;
    }

    private static List<String> describeLayer(WeightsView weights, int layer, String indent) {
        List<String> lines = new ArrayList<>();
        int length = weights.length();
        int rows = weights.queryRows();
        List<Float> values = weights.record().getWeights();
        long start = weights.record().getWindowStartPosition();
        for (int h = 0; h < weights.heads(); h++) {
            int lastRow = weights.offset(layer, h, rows - 1, 0);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%shead %d: top", indent, h));
            for (int idx : topK(values, lastRow, length, 3)) {
                line.append(String.format(Locale.ROOT, " %d (%.2f)", start + idx, values.get(lastRow + idx)));
            }
            double meanEntropy = 0;
            for (int q = 0; q < rows; q++) {
                meanEntropy += entropy(values, weights.offset(layer, h, q, 0), length);
            }
            line.append(String.format(
                    Locale.ROOT, ", row entropy %.3f (uniform %.3f)", meanEntropy / rows, Math.log(length)));
            lines.add(line.toString());
        }
        return lines;
    }
}
