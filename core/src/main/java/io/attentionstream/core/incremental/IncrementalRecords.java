package io.attentionstream.core.incremental;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.core.batch.AttentionRecords;
import io.attentionstream.core.window.Event;

/**
 * Turns a step into the contract's output records. The window is the key's cached events (oldest
 * first) and the new event, so its start is the oldest cached event, or the new one when nothing is
 * cached; one output row and one query row, the newest position's.
 */
public final class IncrementalRecords {
    private final AttentionRecords records;

    public IncrementalRecords(IncrementalSignature signature, String sha256) {
        this.records = new AttentionRecords(signature.name(), sha256, signature.outputDim(), signature.heads());
    }

    /** Call before the new event is appended to {@code past}. */
    public AttentionOutput output(Event event, KeyValueCache past, StepResult r) {
        boolean cached = past != null && !past.isEmpty();
        return records.output(
                event.key,
                cached ? past.position(0) : event.position,
                event.position,
                cached ? past.timestamp(0) : event.timestamp,
                event.timestamp,
                r.length(),
                1,
                r.output());
    }

    /** Call before the new event is appended to {@code past}. */
    public AttentionWeights weights(Event event, KeyValueCache past, StepResult r) {
        boolean cached = past != null && !past.isEmpty();
        return records.weights(
                event.key,
                cached ? past.position(0) : event.position,
                event.position,
                cached ? past.timestamp(0) : event.timestamp,
                event.timestamp,
                r.length(),
                1,
                r.weights());
    }
}
