package io.attentionstream.core.incremental;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.model.ModelLoadException;
import io.attentionstream.core.model.TensorChecks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a session's inputs, outputs and metadata and checks them against the incremental contract
 * of models/README.md. Every mismatch is one sentence naming what the model has and what was
 * expected.
 */
final class IncrementalSignatureReader {
    static final String METADATA_MODEL_NAME = "model_name";
    static final String METADATA_HEADS = "heads";
    static final String METADATA_HEAD_DIM = "head_dim";

    private static final String DYNAMIC_AXES = "batch and past";
    private static final String SEE_README =
            "--mode incremental needs a model exported with them (see models/README.md).";

    private IncrementalSignatureReader() {}

    static IncrementalSignature read(OrtSession session, ModelConfig config, IncrementalNames names)
            throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        Map<String, String> metadata = session.getMetadata().getCustomMetadata();

        requireAll(inputs, names.inputs(), "inputs");
        requireAll(
                outputs,
                List.of(config.output(), config.weightsOutput(), names.newKeys(), names.newValues()),
                "outputs");
        for (String name : inputs.keySet()) {
            if (!names.inputs().contains(name)) {
                throw new ModelLoadException("The model has an input '" + name + "' that the job cannot feed; an"
                        + " incremental model takes exactly " + names.inputs() + " (inputs are " + inputs.keySet()
                        + ").");
            }
        }
        if (config.expectedKind() == InputKind.TOKENS) {
            throw new ModelLoadException("--input-kind tokens does not fit --mode incremental, whose models take"
                    + " features: use --input-kind features or --mode full.");
        }

        long[] newShape = TensorChecks.tensor(
                inputs, names.newFeatures(), "input", OnnxJavaType.FLOAT, 3, "the incremental contract");
        int featureDim = TensorChecks.staticDim(newShape, 2, "input " + names.newFeatures(), DYNAMIC_AXES);
        Integer expected = config.expectedFeatureDim();
        if (expected != null && expected != featureDim) {
            throw new ModelLoadException("The model's input " + names.newFeatures() + " has feature dimension "
                    + featureDim + " but the stream carries " + expected
                    + " features per event (--feature-dim): point --model"
                    + " at a model of dimension " + expected + ".");
        }
        long[] pastKeys = TensorChecks.tensor(
                inputs, names.pastKeys(), "input", OnnxJavaType.FLOAT, 4, "the incremental contract");
        long[] pastValues = TensorChecks.tensor(
                inputs, names.pastValues(), "input", OnnxJavaType.FLOAT, 4, "the incremental contract");
        TensorChecks.tensor(inputs, names.pastMask(), "input", OnnxJavaType.BOOL, 2, "the incremental contract");

        long[] outShape = TensorChecks.tensor(
                outputs, config.output(), "output", OnnxJavaType.FLOAT, 3, "the incremental contract");
        int outputDim = TensorChecks.staticDim(outShape, 2, "output " + config.output(), DYNAMIC_AXES);
        long[] weights = TensorChecks.tensor(
                outputs, config.weightsOutput(), "output", OnnxJavaType.FLOAT, 4, "the incremental contract");
        long[] newKeys = TensorChecks.tensor(
                outputs, names.newKeys(), "output", OnnxJavaType.FLOAT, 4, "the incremental contract");
        long[] newValues = TensorChecks.tensor(
                outputs, names.newValues(), "output", OnnxJavaType.FLOAT, 4, "the incremental contract");

        // Exporters leave some of these axes dynamic; every fixed one and the metadata must agree.
        int heads = agreedDim(
                "heads",
                metadata.get(METADATA_HEADS),
                axis(names.pastKeys(), pastKeys, 1),
                axis(names.pastValues(), pastValues, 1),
                axis(config.weightsOutput(), weights, 1),
                axis(names.newKeys(), newKeys, 1),
                axis(names.newValues(), newValues, 1));
        int headDim = agreedDim(
                "head_dim",
                metadata.get(METADATA_HEAD_DIM),
                axis(names.pastKeys(), pastKeys, 3),
                axis(names.pastValues(), pastValues, 3),
                axis(names.newKeys(), newKeys, 3),
                axis(names.newValues(), newValues, 3));

        String name = Optional.ofNullable(metadata.get(METADATA_MODEL_NAME))
                .filter(s -> !s.isBlank())
                .orElseGet(() -> TensorChecks.graphName(session));
        return new IncrementalSignature(
                name, names, config.output(), config.weightsOutput(), featureDim, outputDim, heads, headDim);
    }

    private static void requireAll(Map<String, NodeInfo> nodes, List<String> required, String role) {
        List<String> missing = new ArrayList<>();
        for (String name : required) {
            if (!nodes.containsKey(name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new ModelLoadException("The model lacks the incremental " + role + " " + missing + " (its " + role
                    + " are " + nodes.keySet() + "): " + SEE_README);
        }
    }

    private record Axis(String tensor, int axis, long size) {}

    private static Axis axis(String tensor, long[] shape, int axis) {
        return new Axis(tensor, axis, shape[axis]);
    }

    /** The one size that the fixed axes and the metadata entry give; refuses disagreement or none. */
    private static int agreedDim(String what, String metadataValue, Axis... axes) {
        Integer size = null;
        String source = null;
        if (metadataValue != null) {
            size = positive(metadataValue.trim(), what);
            source = "metadata " + what;
        }
        for (Axis a : axes) {
            if (a.size() <= 0) {
                continue;
            }
            if (size == null) {
                size = Math.toIntExact(a.size());
                source = a.tensor() + " axis " + a.axis();
            } else if (size != a.size()) {
                throw new ModelLoadException("The model's " + a.tensor() + " axis " + a.axis() + " says " + what + " = "
                        + a.size() + " but its " + source + " says " + size + "; re-export it consistently.");
            }
        }
        if (size == null) {
            throw new ModelLoadException("The model fixes " + what + " neither in a tensor shape nor in its '" + what
                    + "' metadata entry; add the entry when exporting (see models/README.md).");
        }
        return size;
    }

    private static int positive(String value, String what) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ModelLoadException(
                "The model's '" + what + "' metadata is '" + value + "', expected a positive integer.");
    }
}
