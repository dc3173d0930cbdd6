package io.attentionstream.core.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every ONNX Runtime model of the project shares: loaded from its bytes (the digest pinned by
 * {@code --model-sha256} checked first), its signature read and checked once, the session closed
 * with the model. Subclasses only say how to read the signature and how to run.
 *
 * <p>One instance is not thread-safe (subclasses reuse their tensor buffers); use one per task. The
 * {@link OrtEnvironment} is the JVM-wide one and is never closed here.
 *
 * @param <S> the signature the model was checked against
 */
public abstract class OnnxModel<S> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxModel.class);

    protected final OrtEnvironment env;
    protected final OrtSession session;
    private final S signature;
    private final String sha256;

    /**
     * @param kind how the log names the model, e.g. "model" or "incremental model"
     */
    protected OnnxModel(byte[] modelBytes, ModelConfig config, OrtSessions.SignatureFunction<S> reader, String kind) {
        this(OrtSessions.checkedDigest(modelBytes, config), modelBytes, config, reader, kind);
    }

    /**
     * For models whose session opens other bytes than the user's file (a graph edited at load):
     * {@code sha256} is the user's file's, already checked.
     */
    protected OnnxModel(
            String sha256,
            byte[] sessionBytes,
            ModelConfig config,
            OrtSessions.SignatureFunction<S> reader,
            String kind) {
        this.sha256 = sha256;
        this.env = OrtEnvironment.getEnvironment();
        this.session = OrtSessions.open(env, sessionBytes, config);
        this.signature = OrtSessions.readSignature(session, reader);
        LOG.info("Loaded {} {} sha256={} intra-op threads={}", kind, signature, sha256, config.intraOpThreads());
    }

    /** Reads a model file with a message that names the `--model` setting when it cannot. */
    public static byte[] readModelFile(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("The model file " + file.toAbsolutePath() + " does not exist: check --model.");
        } catch (IOException e) {
            throw new ModelLoadException(
                    "The model file " + file.toAbsolutePath() + " cannot be read (" + e.getMessage()
                            + "): check --model.",
                    e);
        }
    }

    public final S signature() {
        return signature;
    }

    /** Lower-case hex SHA-256 of the model file's bytes, as the user gave them. */
    public final String sha256() {
        return sha256;
    }

    /** Closes the session; the JVM-wide environment stays open for other tasks. */
    @Override
    public void close() {
        OrtSessions.closeQuietly(session);
    }
}
