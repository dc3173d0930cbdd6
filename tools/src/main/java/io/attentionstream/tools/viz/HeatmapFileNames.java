package io.attentionstream.tools.viz;

import io.attentionstream.avro.AttentionWeights;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * File names of heatmaps: {@code <key>_<start>-<end>_head<h>.png} and {@code …_mean.png}, with
 * the model's layer index before the view ({@code …_L5_head3.png}, {@code …_L5_mean.png}) when the
 * record {@linkplain WeightsView#namesLayers() names layers}. Keys come from the stream and may hold
 * anything, so they are made safe for every file system.
 */
public final class HeatmapFileNames {
    /** Keeps names well under common file-name limits (255 bytes) with room for the suffix. */
    static final int MAX_KEY_CHARS = 80;

    private HeatmapFileNames() {}

    /** The file of a view of the record's last layer. */
    public static String of(AttentionWeights w, int view) {
        WeightsView weights = WeightsView.of(w);
        return of(weights, weights.lastLayer(), view);
    }

    /** The file of a view (a head or {@link HeadSelection#MEAN}) of a layer (its position in the record). */
    public static String of(WeightsView weights, int layer, int view) {
        AttentionWeights w = weights.record();
        String layerPart = weights.namesLayers() ? "L" + weights.layerIndex(layer) + "_" : "";
        String suffix = view == HeadSelection.MEAN ? "mean" : "head" + view;
        return safeKey(w.getKey()) + "_" + w.getWindowStartPosition() + "-" + w.getWindowEndPosition() + "_" + layerPart
                + suffix + ".png";
    }

    /**
     * The key with every character outside {@code [A-Za-z0-9._-]} replaced by "_", no leading dot
     * (no hidden files, no ".."), at most {@value #MAX_KEY_CHARS} characters. When that changed the
     * key, a checksum of the original follows, so "a/b" and "a:b" do not share a file.
     */
    public static String safeKey(String key) {
        StringBuilder safe = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || (c == '.' && i > 0);
            safe.append(ok ? c : '_');
        }
        if (safe.length() > MAX_KEY_CHARS) {
            safe.setLength(MAX_KEY_CHARS);
        }
        if (safe.isEmpty()) {
            safe.append('_');
        }
        String s = safe.toString();
        if (s.equals(key)) {
            return s;
        }
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return s + "-" + String.format("%08x", crc.getValue());
    }
}
