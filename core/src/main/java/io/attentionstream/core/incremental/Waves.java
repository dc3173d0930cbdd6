package io.attentionstream.core.incremental;

import io.attentionstream.core.window.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits a batch of events so that a key appears at most once per model run: a key's second event
 * needs the key and value its first one produces. Wave {@code i} holds every key's {@code i}-th
 * event of the batch, in arrival order; a batch of distinct keys is one wave.
 */
public final class Waves {
    private Waves() {}

    public static List<List<Event>> of(List<Event> batch) {
        List<List<Event>> waves = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Event event : batch) {
            int wave = seen.merge(event.key, 1, Integer::sum) - 1;
            if (wave == waves.size()) {
                waves.add(new ArrayList<>());
            }
            waves.get(wave).add(event);
        }
        return waves;
    }
}
