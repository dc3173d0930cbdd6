package io.attentionstream.job;

/** A setting that cannot work; the message is one sentence naming the setting to change. */
public class SetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SetupException(String message) {
        super(message);
    }

    public SetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
