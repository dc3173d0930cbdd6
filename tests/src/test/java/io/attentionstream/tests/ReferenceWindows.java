package io.attentionstream.tests;

import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.Window;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent, literal reading of DESIGN.md's window semantics for uninterrupted sequences
 * that end with a flush: window k holds events k·s … k·s+n−1; the flush adds the window starting
 * at the next stride boundary if any event is left uncovered. The job's windows must equal these.
 */
final class ReferenceWindows {
    private ReferenceWindows() {}

    static List<Window> of(List<Event> validEventsInOrder, int n, int s) {
        Map<String, List<Event>> byKey = new LinkedHashMap<>();
        for (Event e : validEventsInOrder) {
            byKey.computeIfAbsent(e.key, k -> new ArrayList<>()).add(e);
        }
        List<Window> windows = new ArrayList<>();
        for (List<Event> events : byKey.values()) {
            int count = events.size();
            int k = 0;
            int lastCovered = -1;
            for (; k * s + n <= count; k++) {
                windows.add(window(events.subList(k * s, k * s + n)));
                lastCovered = k * s + n - 1;
            }
            if (lastCovered < count - 1) {
                windows.add(window(events.subList(k * s, count)));
            }
        }
        return windows;
    }

    private static Window window(List<Event> events) {
        Event first = events.get(0);
        Event last = events.get(events.size() - 1);
        int length = events.size();
        if (first.token != null) {
            long[] tokens = events.stream().mapToLong(e -> e.token).toArray();
            return Window.ofTokens(
                    first.key, first.position, last.position, first.timestamp, last.timestamp, length, tokens);
        }
        int d = first.features.length;
        float[] features = new float[length * d];
        for (int i = 0; i < length; i++) {
            System.arraycopy(events.get(i).features, 0, features, i * d, d);
        }
        return Window.ofFeatures(
                first.key,
                first.position,
                last.position,
                first.timestamp,
                last.timestamp,
                length,
                Arrays.copyOf(features, features.length));
    }

    /** The identity of a window in the output topics. */
    static String id(String key, long start, long end) {
        return key + "[" + start + ".." + end + "]";
    }
}
