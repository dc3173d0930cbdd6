package io.attentionstream.tools.demo;

import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.SequenceEventCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A reproducible sample stream: several keys, each a sequence of feature vectors or tokens in
 * position order, interleaved across keys, plus a few deliberately bad records (each of a
 * different kind) so a run shows the dead-letter path.
 *
 * @param kind features or tokens
 * @param keys how many keys
 * @param eventsPerKey events of each key
 * @param dim features per event (feature streams)
 * @param vocabSize token ids are drawn from [0, vocabSize) (token streams)
 * @param badRecords how many bad records to mix in (0..{@link #BAD_KINDS})
 * @param seed random seed
 */
public record SampleStream(
        InputKind kind, int keys, int eventsPerKey, int dim, int vocabSize, int badRecords, long seed) {

    /** The kinds of bad record the stream can mix in, in order. */
    public static final int BAD_KINDS = 6;

    public SampleStream {
        if (keys < 1 || eventsPerKey < 1) {
            throw new IllegalArgumentException("A sample stream needs at least one key and one event per key.");
        }
        if (badRecords < 0 || badRecords > BAD_KINDS) {
            throw new IllegalArgumentException(
                    "--bad must be between 0 and " + BAD_KINDS + ", got " + badRecords + ".");
        }
    }

    /** One Kafka record: key and value bytes (either may be anything for bad records). */
    public record Record(byte[] key, byte[] value) {}

    public String keyName(int k) {
        return (kind == InputKind.FEATURES ? "sensor-" : "doc-") + k;
    }

    /** The valid events, in the order they are produced (round-robin across keys). */
    public List<Event> events() {
        Random random = new Random(seed);
        List<Event> events = new ArrayList<>(keys * eventsPerKey);
        long t0 = 1_700_000_000_000L;
        for (int i = 0; i < eventsPerKey; i++) {
            for (int k = 0; k < keys; k++) {
                long ts = t0 + i * 100L + k;
                Event e = kind == InputKind.FEATURES
                        ? Event.ofFeatures(keyName(k), i, ts, features(random, k, i))
                        : Event.ofToken(keyName(k), i, ts, random.nextInt(vocabSize));
                events.add(e);
            }
        }
        return events;
    }

    /** A smooth signal per key plus noise, so attention has structure to show. */
    private float[] features(Random random, int key, int position) {
        float[] v = new float[dim];
        for (int j = 0; j < dim; j++) {
            v[j] = (float) (Math.sin(0.3 * position + 0.7 * j + key) + 0.1 * random.nextGaussian());
        }
        return v;
    }

    /** Every record to produce: the valid events, with the bad ones inserted after the first quarter. */
    public List<Record> records() {
        List<Record> records = new ArrayList<>();
        for (Event e : events()) {
            records.add(new Record(e.key.getBytes(StandardCharsets.UTF_8), SequenceEventCodec.encode(e)));
        }
        records.addAll(records.size() / 4, badRecordList());
        return records;
    }

    /** The bad records: each is rejected for a different reason and changes no key's state. */
    public List<Record> badRecordList() {
        Random random = new Random(seed ^ 0x5EED);
        String key = keyName(0);
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        List<Record> bad = new ArrayList<>();
        // MALFORMED: random bytes.
        byte[] garbage = new byte[37];
        random.nextBytes(garbage);
        bad.add(new Record(k, garbage));
        // MALFORMED: a tombstone.
        bad.add(new Record(k, null));
        // OUT_OF_ORDER: position 0 again (replay).
        bad.add(new Record(
                k, SequenceEventCodec.encode(payload(Event.ofToken(key, 0, 1_700_000_000_000L, 1), key, 0))));
        // BAD_DIMENSION or TOKEN_OUT_OF_RANGE.
        Event wrongSize = kind == InputKind.FEATURES
                ? Event.ofFeatures(key, 1_000_000, 1_700_000_000_000L, new float[dim + 1])
                : Event.ofToken(key, 1_000_000, 1_700_000_000_000L, vocabSize + 5);
        bad.add(new Record(k, SequenceEventCodec.encode(wrongSize)));
        // MISSING_PAYLOAD: neither token nor features.
        Event empty = new Event();
        empty.key = key;
        empty.position = 1_000_001;
        empty.timestamp = 1_700_000_000_000L;
        bad.add(new Record(k, SequenceEventCodec.encode(empty)));
        // NON_FINITE or WRONG_INPUT_KIND.
        Event odd;
        if (kind == InputKind.FEATURES) {
            float[] v = new float[dim];
            Arrays.fill(v, Float.NaN);
            odd = Event.ofFeatures(key, 1_000_002, 1_700_000_000_000L, v);
        } else {
            odd = Event.ofFeatures(key, 1_000_002, 1_700_000_000_000L, new float[4]);
        }
        bad.add(new Record(k, SequenceEventCodec.encode(odd)));
        return bad.subList(0, badRecords);
    }

    private Event payload(Event tokenEvent, String key, long position) {
        if (kind == InputKind.FEATURES) {
            return Event.ofFeatures(key, position, tokenEvent.timestamp, new float[dim]);
        }
        return tokenEvent;
    }
}
