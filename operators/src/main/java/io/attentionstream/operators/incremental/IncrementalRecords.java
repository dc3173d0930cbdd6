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
        return AttentionOutput.newBuilder()
                .setKey(event.key)
                .setWindowStartPosition(cached ? past.position(0) : event.position)
                .setWindowEndPosition(event.position)
                .setWindowStartTimestamp(cached ? past.timestamp(0) : event.timestamp)
                .setWindowEndTimestamp(event.timestamp)
                .setLength(r.length())
                .setRows(1)
                .setDim(signature.outputDim())
                .setOutput(FloatArrayView.of(r.output()))
                .setModel(signature.name())
                .setModelSha256(sha256)
                .build();
    }

    /** Call before the new event is appended to {@code past}. */
    AttentionWeights weights(Event event, KeyValueCache past, StepResult r) {
        boolean cached = past != null && !past.isEmpty();
        return AttentionWeights.newBuilder()
                .setKey(event.key)
                .setWindowStartPosition(cached ? past.position(0) : event.position)
                .setWindowEndPosition(event.position)
                .setWindowStartTimestamp(cached ? past.timestamp(0) : event.timestamp)
                .setWindowEndTimestamp(event.timestamp)
                .setLength(r.length())
                .setHeads(signature.heads())
                .setQueryRows(1)
                .setWeights(FloatArrayView.of(r.weights()))
                .setModel(signature.name())
                .setModelSha256(sha256)
                .build();
    }

    /** A read-only list view of a float array: the record holds the array, not boxed copies. */
}
