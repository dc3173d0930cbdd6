package io.attentionstream.tools.viz;

import io.attentionstream.avro.AttentionWeights;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Picks the windows worth drawing from a topic's worth of weights records. */
public final class WindowSelection {
    private WindowSelection() {}

    /**
     * The newest {@code maxPerKey} windows (largest start positions) of each key, optionally only
     * of one key and one start position; ordered by key, then start position. A window read twice
     * (the job was run twice on one topic) counts once, as last read.
     *
     * @param key only this key, or null for every key
     * @param windowStart only windows starting at this position, or null for any
     */
    public static List<AttentionWeights> newest(
            List<AttentionWeights> records, String key, Long windowStart, int maxPerKey) {
        if (maxPerKey < 1) {
            throw new IllegalArgumentException("Choose at least one window per key, got " + maxPerKey + ".");
        }
        Map<String, Map<String, AttentionWeights>> byKey = new TreeMap<>();
        for (AttentionWeights w : records) {
            if ((key == null || key.equals(w.getKey()))
                    && (windowStart == null || windowStart == w.getWindowStartPosition())) {
                String window = w.getWindowStartPosition() + ".." + w.getWindowEndPosition();
                byKey.computeIfAbsent(w.getKey(), k -> new LinkedHashMap<>()).put(window, w);
            }
        }
        Comparator<AttentionWeights> byStart = Comparator.comparingLong(AttentionWeights::getWindowStartPosition)
                .thenComparingLong(AttentionWeights::getWindowEndPosition);
        List<AttentionWeights> chosen = new ArrayList<>();
        for (Map<String, AttentionWeights> windows : byKey.values()) {
            List<AttentionWeights> sorted = new ArrayList<>(windows.values());
            sorted.sort(byStart);
            chosen.addAll(sorted.subList(Math.max(0, sorted.size() - maxPerKey), sorted.size()));
        }
        return chosen;
    }
}
