package io.attentionstream.operators.window;

import io.attentionstream.avro.RejectReason;
import java.util.Objects;

/** Why one event is refused: the dead-letter reason and one sentence naming the offending value. */
public record Rejection(RejectReason reason, String message) {

    public Rejection {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }
}
