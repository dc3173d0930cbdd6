package io.attentionstream.core.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every model of the project is opened: the digest pinned by `--model-sha256` checked first,
 * then one ONNX Runtime session with our thread settings on the JVM-wide environment.
 */
public final class OrtSessions {
    private static final Logger LOG = LoggerFactory.getLogger(OrtSessions.class);

    private OrtSessions() {}

    /** The model's lower-case hex SHA-256, after checking it against the pinned one, if any. */
    public static String checkedDigest(byte[] modelBytes, ModelConfig config) {
        String sha256 = Sha256.hex(modelBytes);
        if (config.expectedSha256() != null && !config.expectedSha256().equals(sha256)) {
            throw new ModelLoadException("The model's SHA-256 is " + sha256 + " but --model-sha256 pins "
                    + config.expectedSha256() + ": point --model at the pinned file or update the digest.");
        }
        return sha256;
    }

    /** Opens a session; bytes that are not an ONNX model are reported naming `--model`. */
    public static OrtSession open(OrtEnvironment env, byte[] modelBytes, ModelConfig config) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(config.intraOpThreads());
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // Spinning threads burn the cores that Kafka and Flink share with us.
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            return env.createSession(modelBytes, options);
        } catch (OrtException e) {
            throw new ModelLoadException(
                    "The model file is not a valid ONNX model (" + firstLine(e.getMessage()) + "): check --model.", e);
        }
    }

    /** Reads the signature of a freshly opened session, closing the session when that fails. */
    public static <S> S readSignature(OrtSession session, SignatureFunction<S> reader) {
        try {
            return reader.read(session);
        } catch (OrtException | RuntimeException e) {
            closeQuietly(session);
            if (e instanceof ModelLoadException) {
                throw (ModelLoadException) e;
            }
            throw new ModelLoadException("The model's signature cannot be read: " + e.getMessage(), e);
        }
    }

    public static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            LOG.warn("Closing the ONNX Runtime session failed", e);
        }
    }

    /** The first line of an ONNX Runtime message: the rest is a native stack. */
    public static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** Reads a signature from a session. */
    @FunctionalInterface
    public interface SignatureFunction<S> {
        S read(OrtSession session) throws OrtException;
    }
}
