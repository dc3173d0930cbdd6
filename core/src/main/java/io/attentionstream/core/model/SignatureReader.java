package io.attentionstream.core.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
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
    private static final String DYNAMIC_AXES = "batch and sequence";

    private SignatureReader() {}

    static ModelSignature read(OrtSession session, ModelConfig config) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        Map<String, String> metadata = session.getMetadata().getCustomMetadata();

        InputKind kind = inputKind(inputs, config);
        String inputName = kind == InputKind.FEATURES ? config.featuresInput() : config.tokensInput();
        for (String name : inputs.keySet()) {
            if (!name.equals(inputName) && !name.equals(config.padMaskInput())) {
                throw new ModelLoadException("The model has an input '" + name + "' that the job cannot feed; a "
                        + kind.cliName() + " model takes exactly " + inputName + " and "
                        + config.padMaskInput() + " (inputs are " + inputs.keySet() + ").");
            }
        }

        int featureDim = 0;
        if (kind == InputKind.FEATURES) {
            long[] shape = TensorChecks.tensor(inputs, inputName, "input", OnnxJavaType.FLOAT, 3, "the contract");
            featureDim = TensorChecks.staticDim(shape, 2, "input " + inputName, DYNAMIC_AXES);
            Integer expected = config.expectedFeatureDim();
            if (expected != null && expected != featureDim) {
                throw new ModelLoadException("The model's input " + inputName + " has feature dimension " + featureDim
                        + " but the stream carries " + expected
                        + " features per event (--feature-dim): point --model at a model of dimension " + expected
                        + ".");
            }
        } else {
            TensorChecks.tensor(inputs, inputName, "input", OnnxJavaType.INT64, 2, "the contract");
        }
        TensorChecks.tensor(inputs, config.padMaskInput(), "input", OnnxJavaType.BOOL, 2, "the contract");

        long[] outShape =
                TensorChecks.tensor(outputs, config.output(), "output", OnnxJavaType.FLOAT, 3, "the contract");
        int outputDim = TensorChecks.staticDim(outShape, 2, "output " + config.output(), DYNAMIC_AXES);
        long[] weightsShape =
                TensorChecks.tensor(outputs, config.weightsOutput(), "output", OnnxJavaType.FLOAT, 4, "the contract");
        int heads = TensorChecks.staticDim(weightsShape, 1, "output " + config.weightsOutput(), DYNAMIC_AXES);

        int vocabSize = kind == InputKind.TOKENS ? vocabSize(metadata) : 0;
        String name = Optional.ofNullable(metadata.get(METADATA_MODEL_NAME))
                .filter(s -> !s.isBlank())
                .orElseGet(() -> TensorChecks.graphName(session));
        return new ModelSignature(
                name,
                kind,
                inputName,
                config.padMaskInput(),
                config.output(),
                config.weightsOutput(),
                featureDim,
                vocabSize,
                outputDim,
                heads);
    }

    private static InputKind inputKind(Map<String, NodeInfo> inputs, ModelConfig config) {
        boolean hasFeatures = inputs.containsKey(config.featuresInput());
        boolean hasTokens = inputs.containsKey(config.tokensInput());
        InputKind expected = config.expectedKind();
        if (expected == InputKind.FEATURES && !hasFeatures) {
            throw new ModelLoadException("--input-kind features expects a model input named '" + config.featuresInput()
                    + "' but the model's inputs are " + inputs.keySet()
                    + (hasTokens ? ": this is a token model, use --input-kind tokens." : "."));
        }
        if (expected == InputKind.TOKENS && !hasTokens) {
            throw new ModelLoadException("--input-kind tokens expects a model input named '" + config.tokensInput()
                    + "' but the model's inputs are " + inputs.keySet()
                    + (hasFeatures ? ": this is a feature model, use --input-kind features." : "."));
        }
        if (expected != null) {
            return expected;
        }
        if (hasFeatures == hasTokens) {
            throw new ModelLoadException("The model's inputs are " + inputs.keySet() + ", expected exactly one of '"
                    + config.featuresInput() + "' (features) or '" + config.tokensInput()
                    + "' (tokens) beside '" + config.padMaskInput() + "'.");
        }
        return hasFeatures ? InputKind.FEATURES : InputKind.TOKENS;
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
            throw new ModelLoadException("The model's '" + METADATA_VOCAB_SIZE + "' metadata is '" + value
                    + "', expected a positive integer.");
        }
    }
}
