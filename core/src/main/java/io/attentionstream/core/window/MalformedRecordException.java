package io.attentionstream.core.window;

/**
 * A Kafka value that is not a {@code SequenceEvent} datum. Checked, so that every caller of
 * {@link SequenceEventCodec#decode} decides where the record goes (the dead-letter topic) instead
 * of failing the job. The message is one sentence saying what was wrong.
 */
public class MalformedRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedRecordException(String message) {
        super(message);
    }

    public MalformedRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
