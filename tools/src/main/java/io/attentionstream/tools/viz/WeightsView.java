package io.attentionstream.tools.viz;

import io.attentionstream.avro.AttentionWeights;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One AttentionWeights record laid out as the data contract says: {@code weights} holds
 * {@code layers × heads × query_rows × length} values, row-major, and layer {@code i} of the
 * record is layer {@code layer_indexes[i]} of the model ({@code i} when the list is empty, as in
 * records written before the field). Every reader of weights (consume's summary, the heatmaps)
 * indexes through this class, so the layout is written down once.
 *
 * <p>Layers are addressed by their position in the record (0 to {@link #layers()} − 1); {@link
 * #layerIndex(int)} is the model's index of that layer, which is what users see and choose.
 */
public final class WeightsView {
    private final AttentionWeights record;
    private final List<Float> weights;
    private final int layers;
    private final int heads;
    private final int queryRows;
    private final int length;
    private final List<Integer> layerIndexes;

    private WeightsView(AttentionWeights record, List<Integer> layerIndexes) {
        this.record = record;
        this.weights = record.getWeights();
        this.layers = record.getLayers();
        this.heads = record.getHeads();
        this.queryRows = record.getQueryRows();
        this.length = record.getLength();
        this.layerIndexes = layerIndexes;
    }

    /**
     * The record's layout, checked.
     *
     * @throws IllegalArgumentException naming the window and its shape, if the record does not
     *     follow the data contract (values that do not fill {@code layers × heads × query_rows ×
     *     length}, layer indexes that are not one distinct model layer per layer)
     */
    public static WeightsView of(AttentionWeights w) {
        Objects.requireNonNull(w, "weights record");
        long expected = (long) w.getLayers() * w.getHeads() * w.getQueryRows() * w.getLength();
        if (w.getLayers() < 1
                || w.getHeads() < 1
                || w.getQueryRows() < 1
                || w.getLength() < w.getQueryRows()
                || w.getWeights().size() != expected) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "The weights record of %s holds %d values for %s%d heads × %d query rows × %d keys: "
                            + "it does not follow the data contract.",
                    windowName(w),
                    w.getWeights().size(),
                    w.getLayers() == 1 ? "" : w.getLayers() + " layers × ",
                    w.getHeads(),
                    w.getQueryRows(),
                    w.getLength()));
        }
        List<Integer> given = w.getLayerIndexes();
        List<Integer> indexes = new ArrayList<>(w.getLayers());
        Set<Integer> seen = new HashSet<>();
        boolean valid = given.isEmpty() || given.size() == w.getLayers();
        for (int i = 0; valid && i < w.getLayers(); i++) {
            Integer index = given.isEmpty() ? Integer.valueOf(i) : given.get(i);
            valid = index != null && index >= 0 && seen.add(index);
            indexes.add(index);
        }
        if (!valid) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "The weights record of %s lists layer indexes %s for %d layers (one distinct model layer, "
                            + "0 or more, per layer is expected): it does not follow the data contract.",
                    windowName(w),
                    given,
                    w.getLayers()));
        }
        return new WeightsView(w, List.copyOf(indexes));
    }

    public AttentionWeights record() {
        return record;
    }

    /** Layers in the record. */
    public int layers() {
        return layers;
    }

    public int heads() {
        return heads;
    }

    public int queryRows() {
        return queryRows;
    }

    /** Keys per row: the window's valid positions. */
    public int length() {
        return length;
    }

    /** The position in the record of its last layer: the one drawn and summarised by default. */
    public int lastLayer() {
        return layers - 1;
    }

    /** The model's index of the record's layer {@code layer}. */
    public int layerIndex(int layer) {
        return layerIndexes.get(Objects.checkIndex(layer, layers));
    }

    /** The model's index of each layer of the record, in record order. */
    public List<Integer> layerIndexes() {
        return layerIndexes;
    }

    /** Where model layer {@code modelIndex} is in the record, if the record holds it. */
    public OptionalInt layerOf(int modelIndex) {
        int at = layerIndexes.indexOf(modelIndex);
        return at < 0 ? OptionalInt.empty() : OptionalInt.of(at);
    }

    /**
     * Whether labels should name the layer: the record holds several layers, or one that is not
     * the model's first (a multi-layer model emitting one layer). A record of a single-layer model
     * is labelled as before layers existed.
     */
    public boolean namesLayers() {
        return layers > 1 || layerIndexes.get(0) != 0;
    }

    /** "layer 5": the record's layer {@code layer} by its index in the model. */
    public String layerLabel(int layer) {
        return "layer " + layerIndex(layer);
    }

    /** Index in {@code weights} of (layer, head, query row, key), all 0-based within the record. */
    public int offset(int layer, int head, int query, int key) {
        Objects.checkIndex(layer, layers);
        Objects.checkIndex(head, heads);
        Objects.checkIndex(query, queryRows);
        Objects.checkIndex(key, length);
        return ((layer * heads + head) * queryRows + query) * length + key;
    }

    public float get(int layer, int head, int query, int key) {
        return weights.get(offset(layer, head, query, key));
    }

    /** One head's {@code query_rows × length} weights, row-major. */
    public float[] head(int layer, int head) {
        if (head < 0 || head >= heads) {
            throw new IllegalArgumentException("Head " + head + " does not exist: the record has " + heads + " heads.");
        }
        int size = queryRows * length;
        int from = offset(layer, head, 0, 0);
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = weights.get(from + i);
        }
        return values;
    }

    /** The element-wise mean over one layer's heads, as PyTorch's {@code average_attn_weights=True} gives it. */
    public float[] meanOfHeads(int layer) {
        int size = queryRows * length;
        double[] sums = new double[size];
        for (int h = 0; h < heads; h++) {
            int from = offset(layer, h, 0, 0);
            for (int i = 0; i < size; i++) {
                sums[i] += weights.get(from + i);
            }
        }
        float[] mean = new float[size];
        for (int i = 0; i < size; i++) {
            mean[i] = (float) (sums[i] / heads);
        }
        return mean;
    }

    /** The largest finite weight of one layer (every head); 0 when there is none. */
    public float max(int layer) {
        int size = heads * queryRows * length;
        int from = offset(layer, 0, 0, 0);
        float max = 0;
        for (int i = 0; i < size; i++) {
            float v = weights.get(from + i);
            if (v > max && Float.isFinite(v)) {
                max = v;
            }
        }
        return max;
    }

    /** "sensor-0  ·  positions 4..19": the record's key and window, for titles and messages. */
    public static String windowName(AttentionWeights w) {
        return String.format(
                Locale.ROOT,
                "%s  ·  positions %d..%d",
                w.getKey(),
                w.getWindowStartPosition(),
                w.getWindowEndPosition());
    }
}
