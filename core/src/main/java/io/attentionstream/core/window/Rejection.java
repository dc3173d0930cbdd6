package io.attentionstream.core.window;

import io.attentionstream.avro.RejectReason;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.core.deadletter.DeadLetters;
import java.util.Objects;

/** Why one event is refused: the dead-letter reason and one sentence naming the offending value. */
public record Rejection(RejectReason reason, String message) {

    public Rejection {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }

    /**
     * The dead letter of the refused event: its Kafka coordinates when it came from Kafka, and the
     * event re-encoded with the contract schema (an event without a key has no encoding).
     */
    public RejectedRecord deadLetter(Event event, long rejectedAt) {
        boolean fromKafka = event.hasSource();
        return DeadLetters.fromSource(
                fromKafka ? event.sourceTopic : null,
                fromKafka ? event.sourcePartition : null,
                fromKafka ? event.sourceOffset : null,
                event.key,
                event.key == null ? null : SequenceEventCodec.encode(event),
                reason,
                message,
                rejectedAt);
    }
}
