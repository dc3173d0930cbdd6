package io.attentionstream.operators.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a session's inputs, outputs and metadata and checks them against the model contract and
 * the job's configuration. Every mismatch is one sentence naming what the model has and what was
 * expected.
 */
final class SignatureReader {

    static final String METADATA_MODEL_NAME = "model_name";
    static final String METADATA_VOCAB_SIZE = "vocab_size";

    private SignatureReader() {}

    static ModelSignature read(OrtSession session, ModelConfig config) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        Map<String, String> metadata = session.getMetadata().getCustomMetadata();

        InputKind kind = inputKind(inputs, config);
        String inputName = kind == InputKind.FEATURES ? config.featuresInput() : config.tokensInput();
        for (String name : inputs.keySet()) {
            if (!name.equals(inputName) && !name.equals(config.padMaskInput())) {
                throw new ModelLoadException(
                        "The model has an input '" + name + "' that the job cannot feed; a "
                                + kind.cliName() + " model takes exactly " + inputName + " and "
                                + config.padMaskInput() + " (inputs are " + inputs.keySet() + ").");
            }
        }

        int featureDim = 0;
        if (kind == InputKind.FEATURES) {
            long[] shape = tensor(inputs, inputName, "input", OnnxJavaType.FLOAT, 3);
            featureDim = staticDim(shape, 2, "input " + inputName);
            Integer expected = config.expectedFeatureDim();
            if (expected != null && expected != featureDim) {
                throw new ModelLoadException(
                        "The model's input " + inputName + " has feature dimension " + featureDim
                                + " but the stream carries " + expected
                                + " features per event (--feature-dim): point --model at a model of dimension " + expected + ".");
            }
        } else {
            tensor(inputs, inputName, "input", OnnxJavaType.INT64, 2);
        }
        tensor(inputs, config.padMaskInput(), "input", OnnxJavaType.BOOL, 2);

        long[] outShape = tensor(outputs, config.output(), "output", OnnxJavaType.FLOAT, 3);
        int outputDim = staticDim(outShape, 2, "output " + config.output());
        long[] weightsShape = tensor(outputs, config.weightsOutput(), "output", OnnxJavaType.FLOAT, 4);
        int heads = staticDim(weightsShape, 1, "output " + config.weightsOutput());

        int vocabSize = kind == InputKind.TOKENS ? vocabSize(metadata) : 0;
        String name = Optional.ofNullable(metadata.get(METADATA_MODEL_NAME))
                .filter(s -> !s.isBlank())
                .orElseGet(() -> graphName(session));
        return new ModelSignature(
                name, kind, inputName, config.padMaskInput(), config.output(), config.weightsOutput(),
                featureDim, vocabSize, outputDim, heads);
    }

    private static InputKind inputKind(Map<String, NodeInfo> inputs, ModelConfig config) {
        boolean hasFeatures = inputs.containsKey(config.featuresInput());
        boolean hasTokens = inputs.containsKey(config.tokensInput());
        InputKind expected = config.expectedKind();
        if (expected == InputKind.FEATURES && !hasFeatures) {
            throw new ModelLoadException(
                    "--input-kind features expects a model input named '" + config.featuresInput()
                            + "' but the model's inputs are " + inputs.keySet()
                            + (hasTokens ? ": this is a token model, use --input-kind tokens." : "."));
        }
        if (expected == InputKind.TOKENS && !hasTokens) {
            throw new ModelLoadException(
                    "--input-kind tokens expects a model input named '" + config.tokensInput()
                            + "' but the model's inputs are " + inputs.keySet()
                            + (hasFeatures ? ": this is a feature model, use --input-kind features." : "."));
        }
        if (expected != null) {
            return expected;
        }
        if (hasFeatures == hasTokens) {
            throw new ModelLoadException(
                    "The model's inputs are " + inputs.keySet() + ", expected exactly one of '"
                            + config.featuresInput() + "' (features) or '" + config.tokensInput()
                            + "' (tokens) beside '" + config.padMaskInput() + "'.");
        }
        return hasFeatures ? InputKind.FEATURES : InputKind.TOKENS;
    }

    private static long[] tensor(
            Map<String, NodeInfo> nodes, String name, String role, OnnxJavaType type, int rank) {
        NodeInfo node = nodes.get(name);
        if (node == null) {
            throw new ModelLoadException(
                    "The model has no " + role + " named '" + name + "'; its " + role + "s are "
                            + nodes.keySet() + ".");
        }
        if (!(node.getInfo() instanceof TensorInfo info)) {
            throw new ModelLoadException("The model's " + role + " '" + name + "' is not a tensor.");
        }
        long[] shape = info.getShape();
        if (info.type != type || shape.length != rank) {
            throw new ModelLoadException(
                    "The model's " + role + " '" + name + "' is " + describe(info.type, shape)
                            + " but the contract expects a rank-" + rank + " " + describe(type) + " tensor.");
        }
        return shape;
    }

    private static int staticDim(long[] shape, int axis, String what) {
        long dim = shape[axis];
        if (dim <= 0) {
            throw new ModelLoadException(
                    "The model's " + what + " has a dynamic axis " + axis + " " + Arrays.toString(shape)
                            + "; export it with a fixed size there (only batch and sequence axes may be dynamic).");
        }
        return Math.toIntExact(dim);
    }

    private static int vocabSize(Map<String, String> metadata) {
        String value = metadata.get(METADATA_VOCAB_SIZE);
        if (value == null) {
            throw new ModelLoadException(
                    "The token model has no '" + METADATA_VOCAB_SIZE + "' metadata entry, which the job needs to"
                            + " reject out-of-range tokens; add it when exporting (see models/README.md).");
        }
        try {
            int vocab = Integer.parseInt(value.trim());
            if (vocab <= 0) {
                throw new NumberFormatException();
            }
            return vocab;
        } catch (NumberFormatException e) {
            throw new ModelLoadException(
                    "The model's '" + METADATA_VOCAB_SIZE + "' metadata is '" + value + "', expected a positive integer.");
        }
    }

    private static String graphName(OrtSession session) {
        try {
            String graph = session.getMetadata().getGraphName();
            return graph == null || graph.isBlank() ? "model" : graph;
        } catch (OrtException e) {
            return "model";
        }
    }

    private static String describe(OnnxJavaType type, long[] shape) {
        return describe(type) + " " + Arrays.toString(shape);
    }

    private static String describe(OnnxJavaType type) {
        switch (type) {
            case FLOAT:
                return "float32";
            case INT64:
                return "int64";
            case BOOL:
                return "bool";
            default:
                return type.name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
