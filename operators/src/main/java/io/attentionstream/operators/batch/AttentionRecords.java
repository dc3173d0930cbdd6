package io.attentionstream.operators.batch;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.operators.model.FloatArrayView;
import io.attentionstream.operators.model.ModelSignature;
import io.attentionstream.operators.model.WindowInference;
import io.attentionstream.operators.window.Window;
import java.util.List;

/** Turns a window and its inference into the contract's output records. */
final class AttentionRecords {
    private final ModelSignature signature;
    private final String sha256;

    AttentionRecords(ModelSignature signature, String sha256) {
        this.signature = signature;
        this.sha256 = sha256;
    }

    AttentionOutput output(Window w, WindowInference r) {
        return AttentionOutput.newBuilder()
                .setKey(w.key)
                .setWindowStartPosition(w.startPosition)
                .setWindowEndPosition(w.endPosition)
                .setWindowStartTimestamp(w.startTimestamp)
                .setWindowEndTimestamp(w.endTimestamp)
                .setLength(w.length)
                .setRows(r.rows())
                .setDim(signature.outputDim())
                .setOutput(floats(r.output()))
                .setModel(signature.name())
                .setModelSha256(sha256)
                .build();
    }

    AttentionWeights weights(Window w, WindowInference r) {
        return AttentionWeights.newBuilder()
                .setKey(w.key)
                .setWindowStartPosition(w.startPosition)
                .setWindowEndPosition(w.endPosition)
                .setWindowStartTimestamp(w.startTimestamp)
                .setWindowEndTimestamp(w.endTimestamp)
                .setLength(w.length)
                .setHeads(signature.heads())
                .setQueryRows(r.queryRows())
                .setWeights(floats(r.weights()))
                .setModel(signature.name())
                .setModelSha256(sha256)
                .build();
    }

    /** A read-only list view of a float array: the record holds the array, not boxed copies. */
    static List<Float> floats(float[] values) {
        return FloatArrayView.of(values);
    }

}
