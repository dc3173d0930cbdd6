package io.attentionstream.tools.cli;

import io.attentionstream.avro.AttentionWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The gist of an attention weights record for a terminal: per head, the three most attended key
 * positions of the last query row, and the mean entropy of the rows.
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

    /** One line per head: "head 0: top 63 (0.41) 62 (0.20) 12 (0.05), entropy 2.31". */
    public static List<String> describe(AttentionWeights w) {
        List<String> lines = new ArrayList<>();
        int length = w.getLength();
        int rows = w.getQueryRows();
        List<Float> weights = w.getWeights();
        for (int h = 0; h < w.getHeads(); h++) {
            int lastRow = (h * rows + rows - 1) * length;
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  head %d: top", h));
            for (int idx : topK(weights, lastRow, length, 3)) {
                line.append(String.format(
                        Locale.ROOT, " %d (%.2f)", w.getWindowStartPosition() + idx, weights.get(lastRow + idx)));
            }
            double meanEntropy = 0;
            for (int q = 0; q < rows; q++) {
                meanEntropy += entropy(weights, (h * rows + q) * length, length);
            }
            line.append(String.format(
                    Locale.ROOT, ", row entropy %.3f (uniform %.3f)", meanEntropy / rows, Math.log(length)));
            lines.add(line.toString());
        }
        return lines;
    }
}
