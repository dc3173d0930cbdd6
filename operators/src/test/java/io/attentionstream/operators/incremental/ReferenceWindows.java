package io.attentionstream.operators.incremental;

import static io.attentionstream.core.golden.Tolerance.maxAbsDiff;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.core.golden.GoldenCase;
import io.attentionstream.core.model.AttentionModel;
import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.core.model.WindowInference;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.Window;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the rules say each accepted event yields, computed without the incremental code: the window
 * of the key's last {@code min(n, events since its last end_of_sequence)} events, run through the
 * full window model ({@code feature_attention}), keeping its last output row and last weights row.
 */
final class ReferenceWindows {
    /** Expected results by "key/endPosition". */
    final Map<String, Window> windows = new HashMap<>();

    final Map<String, WindowInference> results = new HashMap<>();

    private ReferenceWindows() {}

    /** The reference for accepted events, in arrival order (only per-key order matters). */
    static ReferenceWindows of(List<Event> accepted, int windowSize) {
        ReferenceWindows reference = new ReferenceWindows();
        Map<String, Deque<Event>> sinceFlush = new HashMap<>();
        List<Window> all = new ArrayList<>();
        for (Event e : accepted) {
            Deque<Event> events = sinceFlush.computeIfAbsent(e.key, k -> new ArrayDeque<>());
            events.addLast(e);
            if (events.size() > windowSize) {
                events.removeFirst();
            }
            Window w = window(e.key, events);
            reference.windows.put(id(e.key, e.position), w);
            all.add(w);
            if (e.endOfSequence) {
                events.clear();
            }
        }
        try (AttentionModel model =
                AttentionModel.load(GoldenCase.modelFile("feature_attention"), ModelConfig.defaults())) {
            List<WindowInference> inferred =
                    model.run(all, OutputRows.LAST, WeightsMode.LAST_ROW).results();
            for (int i = 0; i < all.size(); i++) {
                reference.results.put(id(all.get(i).key, all.get(i).endPosition), inferred.get(i));
            }
        }
        return reference;
    }

    private static Window window(String key, Deque<Event> events) {
        Event first = events.getFirst();
        Event last = events.getLast();
        float[] features = new float[events.size() * IncrementalHarness.DIM];
        int row = 0;
        for (Event e : events) {
            System.arraycopy(e.features, 0, features, row++ * IncrementalHarness.DIM, IncrementalHarness.DIM);
        }
        return Window.ofFeatures(
                key, first.position, last.position, first.timestamp, last.timestamp, events.size(), features);
    }

    static String id(String key, long endPosition) {
        return key + "/" + endPosition;
    }

    Window windowOf(AttentionOutput out) {
        return windows.get(id(out.getKey(), out.getWindowEndPosition()));
    }

    float outputDiff(AttentionOutput out) {
        return maxAbsDiff(
                floats(out.getOutput()),
                results.get(id(out.getKey(), out.getWindowEndPosition())).output());
    }

    float weightsDiff(AttentionWeights w) {
        return maxAbsDiff(
                floats(w.getWeights()),
                results.get(id(w.getKey(), w.getWindowEndPosition())).weights());
    }

    static float[] floats(List<Float> values) {
        float[] result = new float[values.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = values.get(i);
        }
        return result;
    }
}
