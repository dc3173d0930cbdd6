package io.attentionstream.operators.incremental;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.operators.model.FloatArrayView;
import io.attentionstream.operators.window.Event;

/**
 * Turns a step into the contract's output records. The window is the key's cached events (oldest
 * first) and the new event, so its start is the oldest cached event, or the new one when nothing is
 * cached; one output row and one query row, the newest position's.
 */
final class IncrementalRecords {
    private final IncrementalSignature signature;
    private final String sha256;

    IncrementalRecords(IncrementalSignature signature, String sha256) {
        this.signature = signature;
        this.sha256 = sha256;
    }

    /** Call before the new event is appended to {@code past}. */
    AttentionOutput output(Event event, KeyValueCache past, StepResult r) {
        boolean cached = past != null && !past.isEmpty();
        // The all-fields constructor: one record per event, and a builder costs more than the
        // model's share of a step at n = 64. A field added to the schema breaks this call at compile time.
        return new AttentionOutput(event.key,
                cached ? past.position(0) : event.position, event.position,
                cached ? past.timestamp(0) : event.timestamp, event.timestamp,
                r.length(), 1, signature.outputDim(), FloatArrayView.of(r.output()),
                signature.name(), sha256);
    }

    /** Call before the new event is appended to {@code past}. */
    AttentionWeights weights(Event event, KeyValueCache past, StepResult r) {
        boolean cached = past != null && !past.isEmpty();
        return new AttentionWeights(event.key,
                cached ? past.position(0) : event.position, event.position,
                cached ? past.timestamp(0) : event.timestamp, event.timestamp,
                r.length(), signature.heads(), 1, FloatArrayView.of(r.weights()),
                signature.name(), sha256);
    }
}
