package io.attentionstream.tools.viz;

import io.attentionstream.avro.AttentionWeights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns AttentionWeights records into heatmaps: one per head ({@code query_rows × length}) and
 * the mean of the heads, all of one window on one colour scale (its largest weight) so they can
 * be compared side by side.
 */
public final class AttentionHeatmaps {
    private AttentionHeatmaps() {}

    /**
     * Draws the newest window (largest start position) of {@code key}: every head and the mean of
     * the heads, as PNGs in {@code outDir}. For the demo; {@link #render} draws any window.
     *
     * @return the files written, heads first, then the mean; empty if no record has the key
     */
    public static List<Path> writeForKey(List<AttentionWeights> records, String key, Path outDir) {
        return writeForKey(records, key, outDir, TokenSource.NONE);
    }

    /** As {@link #writeForKey(List, String, Path)}, labelling key positions with their token ids where known. */
    public static List<Path> writeForKey(List<AttentionWeights> records, String key, Path outDir, TokenSource tokens) {
        List<Path> files = new ArrayList<>();
        for (AttentionWeights w : WindowSelection.newest(records, key, null, 1)) {
            render(w, HeadSelection.ALL, outDir, tokens.tokensOf(w)).forEach(r -> files.add(r.file()));
        }
        return files;
    }

    /** Writes the chosen views of one window to {@code outDir}; {@code tokens} may be null. */
    public static List<RenderedHeatmap> render(AttentionWeights w, HeadSelection heads, Path outDir, long[] tokens) {
        List<RenderedHeatmap> rendered = new ArrayList<>();
        for (int view : heads.views(w.getHeads())) {
            Path file = outDir.resolve(HeatmapFileNames.of(w, view));
            HeatmapRenderer.writePng(heatmap(w, view, tokens), file);
            rendered.add(new RenderedHeatmap(file, windowName(w), viewName(w, view)));
        }
        return rendered;
    }

    /** The heatmap of one view: a head number or {@link HeadSelection#MEAN}. */
    public static Heatmap heatmap(AttentionWeights w, int view, long[] tokens) {
        float[] values = view == HeadSelection.MEAN ? meanOfHeads(w) : head(w, view);
        int rows = w.getQueryRows();
        int length = w.getLength();
        // Consecutive positions (the usual case) label themselves; otherwise only the window's
        // ends are known, and columns are numbered within the window.
        boolean consecutive = w.getWindowEndPosition() - w.getWindowStartPosition() + 1 == length;
        long first = w.getWindowStartPosition();
        Heatmap.Axis keys = consecutive
                ? Heatmap.Axis.positions("key position", first, length, tokens)
                : Heatmap.Axis.indexes("key index in window", length, tokens);
        // Query rows are the window's last query_rows positions: all of them, or the last one.
        Heatmap.Axis queries = consecutive
                ? Heatmap.Axis.positions("query position", first + length - rows, rows, null)
                : Heatmap.Axis.positions("query index in window", length - rows, rows, null);
        String shape = rows == 1 && length > 1 ? "last query row" : rows + " queries × " + length + " keys";
        String subtitle = viewName(w, view) + "  ·  " + w.getModel() + "  ·  " + shape;
        return new Heatmap(windowName(w), subtitle, rows, length, values, scaleOf(w), queries, keys);
    }

    /** Head {@code h}'s {@code query_rows × length} weights. */
    public static float[] head(AttentionWeights w, int h) {
        checkShape(w);
        if (h < 0 || h >= w.getHeads()) {
            throw new IllegalArgumentException(
                    "Head " + h + " does not exist: the record has " + w.getHeads() + " heads.");
        }
        int size = w.getQueryRows() * w.getLength();
        float[] values = new float[size];
        List<Float> weights = w.getWeights();
        for (int i = 0; i < size; i++) {
            values[i] = weights.get(h * size + i);
        }
        return values;
    }

    /** The element-wise mean over the heads, as PyTorch's {@code average_attn_weights=True} gives it. */
    public static float[] meanOfHeads(AttentionWeights w) {
        checkShape(w);
        int size = w.getQueryRows() * w.getLength();
        double[] sums = new double[size];
        List<Float> weights = w.getWeights();
        for (int h = 0; h < w.getHeads(); h++) {
            for (int i = 0; i < size; i++) {
                sums[i] += weights.get(h * size + i);
            }
        }
        float[] mean = new float[size];
        for (int i = 0; i < size; i++) {
            mean[i] = (float) (sums[i] / w.getHeads());
        }
        return mean;
    }

    static String windowName(AttentionWeights w) {
        return String.format(
                Locale.ROOT,
                "%s  ·  positions %d..%d",
                w.getKey(),
                w.getWindowStartPosition(),
                w.getWindowEndPosition());
    }

    static String viewName(AttentionWeights w, int view) {
        return view == HeadSelection.MEAN
                ? "mean of " + w.getHeads() + " heads"
                : "head " + view + " of " + w.getHeads();
    }

    /** The window's largest weight; 1 when there is none to scale by. */
    private static float scaleOf(AttentionWeights w) {
        float max = 0;
        for (float v : w.getWeights()) {
            if (v > max && Float.isFinite(v)) {
                max = v;
            }
        }
        return max > 0 ? max : 1f;
    }

    private static void checkShape(AttentionWeights w) {
        long expected = (long) w.getHeads() * w.getQueryRows() * w.getLength();
        if (w.getHeads() < 1
                || w.getQueryRows() < 1
                || w.getLength() < w.getQueryRows()
                || w.getWeights().size() != expected) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "The weights record of %s holds %d values for %d heads × %d query rows × %d keys: it does not follow the data contract.",
                    windowName(w),
                    w.getWeights().size(),
                    w.getHeads(),
                    w.getQueryRows(),
                    w.getLength()));
        }
    }
}
