package io.attentionstream.tools.viz;

import io.attentionstream.avro.AttentionWeights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns AttentionWeights records into heatmaps: one per head ({@code query_rows × length}) and
 * the mean of the heads, of one layer of the record (the last unless chosen), all of one window
 * and layer on one colour scale (that layer's largest weight) so they can be compared side by side.
 */
public final class AttentionHeatmaps {
    private AttentionHeatmaps() {}

    /**
     * Draws the newest window (largest start position) of {@code key}: every head of its last layer
     * and the mean of the heads, as PNGs in {@code outDir}. For the demo; {@link #render} draws any window.
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

    /** Writes the chosen views of the window's last layer to {@code outDir}; {@code tokens} may be null. */
    public static List<RenderedHeatmap> render(AttentionWeights w, HeadSelection heads, Path outDir, long[] tokens) {
        return render(w, LayerChoice.LAST, heads, outDir, tokens);
    }

    /**
     * Writes the chosen views of one layer of one window to {@code outDir}; {@code tokens} may be
     * null. The layer is named in file names and titles when the record {@linkplain
     * WeightsView#namesLayers() names layers}.
     *
     * @throws IllegalArgumentException if the record breaks the contract, or lacks the layer or head
     */
    public static List<RenderedHeatmap> render(
            AttentionWeights w, LayerChoice layer, HeadSelection heads, Path outDir, long[] tokens) {
        WeightsView weights = WeightsView.of(w);
        int l = layer.positionIn(weights);
        List<RenderedHeatmap> rendered = new ArrayList<>();
        for (int view : heads.views(weights.heads())) {
            Path file = outDir.resolve(HeatmapFileNames.of(weights, l, view));
            HeatmapRenderer.writePng(heatmap(weights, l, view, tokens), file);
            rendered.add(new RenderedHeatmap(file, windowName(w), viewName(weights, l, view)));
        }
        return rendered;
    }

    /** The heatmap of one view of the window's last layer: a head number or {@link HeadSelection#MEAN}. */
    public static Heatmap heatmap(AttentionWeights w, int view, long[] tokens) {
        WeightsView weights = WeightsView.of(w);
        return heatmap(weights, weights.lastLayer(), view, tokens);
    }

    /**
     * The heatmap of one view of one layer (its position in the record): a head number or {@link
     * HeadSelection#MEAN}, on the colour scale of that layer's largest weight.
     */
    public static Heatmap heatmap(WeightsView weights, int layer, int view, long[] tokens) {
        AttentionWeights w = weights.record();
        float[] values = view == HeadSelection.MEAN ? weights.meanOfHeads(layer) : weights.head(layer, view);
        int rows = weights.queryRows();
        int length = weights.length();
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
        String subtitle = viewName(weights, layer, view) + "  ·  " + w.getModel() + "  ·  " + shape;
        float max = weights.max(layer);
        return new Heatmap(windowName(w), subtitle, rows, length, values, max > 0 ? max : 1f, queries, keys);
    }

    /** Head {@code h}'s {@code query_rows × length} weights, of the record's last layer. */
    public static float[] head(AttentionWeights w, int h) {
        WeightsView weights = WeightsView.of(w);
        return weights.head(weights.lastLayer(), h);
    }

    /** The element-wise mean over the heads of the record's last layer. */
    public static float[] meanOfHeads(AttentionWeights w) {
        WeightsView weights = WeightsView.of(w);
        return weights.meanOfHeads(weights.lastLayer());
    }

    static String windowName(AttentionWeights w) {
        return WeightsView.windowName(w);
    }

    /** "head 1 of 4", "mean of 4 heads"; with "layer 5, " before it when the record names layers. */
    static String viewName(WeightsView weights, int layer, int view) {
        String head = view == HeadSelection.MEAN
                ? "mean of " + weights.heads() + " heads"
                : "head " + view + " of " + weights.heads();
        return weights.namesLayers() ? weights.layerLabel(layer) + ", " + head : head;
    }
}
