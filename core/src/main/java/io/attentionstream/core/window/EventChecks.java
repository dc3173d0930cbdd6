package io.attentionstream.core.window;

import io.attentionstream.avro.RejectReason;

/**
 * Whether a key accepts an event, in the order every windowing operator applies the rules:
 * validation first, then the key's position order, then lateness; the first failing rule wins.
 */
public final class EventChecks {
    private final EventValidator validator;

    public EventChecks(WindowerConfig config) {
        this.validator = new EventValidator(config);
    }

    /**
     * @param lastAcceptedPosition the key's last accepted position, or null when it has none
     * @param watermark the operator's current event-time watermark
     * @return null when the event is accepted, else why not
     */
    public Rejection check(Event event, Long lastAcceptedPosition, long watermark) {
        Rejection invalid = validator.check(event);
        if (invalid != null) {
            return invalid;
        }
        if (lastAcceptedPosition == null ? event.position < 0 : event.position <= lastAcceptedPosition) {
            return new Rejection(
                    RejectReason.OUT_OF_ORDER,
                    lastAcceptedPosition == null
                            ? "Position " + event.position
                                    + " is negative, but positions start at 0 and increase per key."
                            : "Position " + event.position + " is not after the key's last accepted position "
                                    + lastAcceptedPosition + ", but positions must strictly increase per key.");
        }
        if (event.timestamp < watermark) {
            return new Rejection(
                    RejectReason.LATE,
                    "Timestamp " + event.timestamp + " is "
                            + (watermark - event.timestamp) + " ms behind the watermark " + watermark
                            + "; raise --max-out-of-orderness-ms to accept events this late.");
        }
        return null;
    }
}
