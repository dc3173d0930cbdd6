package io.attentionstream.operators;

import io.attentionstream.avro.AttentionOutput;
import java.util.List;

/** The fields of an {@link AttentionOutput} that say which window it is, for one assertion in either mode. */
public final class OutputFields {
    private OutputFields() {}

    /** Start and end position, start and end time, length, rows, dim, model: in this order. */
    public static List<Object> windowOf(AttentionOutput out) {
        return List.of(
                out.getWindowStartPosition(),
                out.getWindowEndPosition(),
                out.getWindowStartTimestamp(),
                out.getWindowEndTimestamp(),
                out.getLength(),
                out.getRows(),
                out.getDim(),
                out.getModel());
    }
}
