package io.attentionstream.core.model;

/**
 * A model that cannot be used as configured. The message is one sentence that says what the model
 * has, what was expected, and which setting to change.
 */
public class ModelLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
