package io.attentionstream.core.model;

/** ONNX Runtime failed on a batch; the operator sets the batch's windows aside and goes on. */
public class InferenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
