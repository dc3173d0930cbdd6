package io.attentionstream.tests;

import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.SequenceEventCodec;
import io.attentionstream.tools.demo.SampleStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Event lists made into what a producer sends. */
final class Streams {
    private Streams() {}

    /** Marks each key's last event end_of_sequence, so its last window comes without waiting for idleness. */
    static List<Event> endingEveryKey(List<Event> events) {
        Map<String, Event> last = new HashMap<>();
        for (Event e : events) {
            last.put(e.key, e);
        }
        last.values().forEach(Event::endingSequence);
        return events;
    }

    static List<SampleStream.Record> records(List<Event> events) {
        List<SampleStream.Record> records = new ArrayList<>(events.size());
        for (Event e : events) {
            records.add(new SampleStream.Record(e.key.getBytes(StandardCharsets.UTF_8), SequenceEventCodec.encode(e)));
        }
        return records;
    }
}
