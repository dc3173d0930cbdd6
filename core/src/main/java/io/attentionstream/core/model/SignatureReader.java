package io.attentionstream.core.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.attentionstream.core.model.ModelSignature.AttentionSource;
import io.attentionstream.core.model.ModelSignature.Mask;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads a session's inputs, outputs and metadata, and the graph facts of its {@link
 * ModelPreparation}, and checks them against the model contract and the job's configuration.
 * Every mismatch is one sentence naming what the model has and what was expected.
 *
 * <p>Two signatures run: the project's contract ({@code x} or {@code tokens}, bool {@code pad_mask},
 * {@code out}, {@code weights}) and encoders as the usual exporters write them ({@code input_ids},
 * int64 {@code attention_mask}, optional {@code token_type_ids}, {@code last_hidden_state}).
 */
final class SignatureReader {

    static final String METADATA_MODEL_NAME = "model_name";
    static final String METADATA_VOCAB_SIZE = "vocab_size";
    private static final String DYNAMIC_AXES = "batch and sequence";
    /** The probe's sequence length: small, and unlike any head count worth confusing it with. */
    private static final int PROBE_LENGTH = 3;

    private SignatureReader() {}

    static ModelSignature read(OrtSession session, ModelConfig config, ModelPreparation prepared) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        Map<String, String> metadata = session.getMetadata().getCustomMetadata();

        InputKind kind = inputKind(inputs, config);
        String inputName = kind == InputKind.FEATURES
                ? config.featuresInput()
                : config.tokensInputs().stream()
                        .filter(inputs::containsKey)
                        .findFirst()
                        .orElseThrow();
        Mask mask = mask(inputs, config);
        String maskName = mask == Mask.PADDING ? config.padMaskInput() : config.attentionMaskInput();
        String tokenTypeName = inputs.containsKey(config.tokenTypeInput()) ? config.tokenTypeInput() : null;
        for (String name : inputs.keySet()) {
            if (!name.equals(inputName) && !name.equals(maskName) && !name.equals(tokenTypeName)) {
                throw new ModelLoadException("The model has an input '" + name + "' that the job cannot feed; a "
                        + kind.cliName() + " model takes " + inputName + ", " + maskName + " and optionally "
                        + config.tokenTypeInput() + " (inputs are " + inputs.keySet()
                        + "): map other names with --tensor-name.");
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
        TensorChecks.tensor(
                inputs,
                maskName,
                "input",
                mask == Mask.PADDING ? OnnxJavaType.BOOL : OnnxJavaType.INT64,
                2,
                "the contract");
        if (tokenTypeName != null) {
            TensorChecks.tensor(inputs, tokenTypeName, "input", OnnxJavaType.INT64, 2, "the contract");
        }

        String outputName = config.outputs().stream()
                .filter(outputs::containsKey)
                .findFirst()
                .orElseThrow(() -> new ModelLoadException("The model has no output named "
                        + String.join(
                                " or ",
                                config.outputs().stream()
                                        .map(n -> "'" + n + "'")
                                        .toList())
                        + "; its outputs are " + outputs.keySet() + ": map it with --tensor-name out=NAME."));
        long[] outShape = TensorChecks.tensor(outputs, outputName, "output", OnnxJavaType.FLOAT, 3, "the contract");
        int outputDim = TensorChecks.staticDim(outShape, 2, "output " + outputName, DYNAMIC_AXES);

        int vocabSize = kind == InputKind.TOKENS ? vocabSize(metadata, prepared.graph(), inputName) : 0;
        Set<String> indexed = new LinkedHashSet<>();
        indexed.add(inputName);
        if (tokenTypeName != null) {
            indexed.add(tokenTypeName);
        }
        int maxPositions = prepared.graph().positionTable(indexed).orElse(0);

        Probe probe = new Probe(kind, inputName, featureDim, vocabSize, maskName, mask, tokenTypeName);
        AttentionLayers found = attentionLayers(session, config, prepared, outputs, probe);
        List<String> layers = found.tensors();
        int heads = found.heads();
        int[] emitted = config.attentionWanted() ? config.weightsLayers().resolve(layers.size()) : new int[0];
        List<String> emittedOutputs = new ArrayList<>();
        List<Integer> emittedLayers = new ArrayList<>();
        for (int layer : emitted) {
            emittedOutputs.add(layers.get(layer));
            emittedLayers.add(layer);
        }
        AttentionSource source = layers.isEmpty() ? AttentionSource.NONE : prepared.attention();

        String name = Optional.ofNullable(metadata.get(METADATA_MODEL_NAME))
                .filter(s -> !s.isBlank())
                .or(() -> Optional.ofNullable(config.fileName()))
                .orElseGet(() -> TensorChecks.graphName(session));
        return new ModelSignature(
                name,
                kind,
                inputName,
                maskName,
                mask,
                tokenTypeName,
                outputName,
                source,
                emittedOutputs,
                emittedLayers,
                layers.size(),
                featureDim,
                vocabSize,
                outputDim,
                heads,
                maxPositions,
                !prepared.graph().quantizesDynamically());
    }

    /** Each layer's attention tensor, in layer order, and the heads they all have. */
    private record AttentionLayers(List<String> tensors, int heads) {}

    /**
     * The attention tensors of every layer, in layer order. The contract's {@code weights} output
     * is one layer whose heads the graph declares; other candidates (several attention outputs, or
     * the Softmax outputs exposed at load) are kept when a probe run shows them {@code [1, heads,
     * seq, seq]}, all with the same heads.
     */
    private static AttentionLayers attentionLayers(
            OrtSession session,
            ModelConfig config,
            ModelPreparation prepared,
            Map<String, NodeInfo> outputs,
            Probe probe)
            throws OrtException {
        if (prepared.attention() == AttentionSource.NONE) {
            return new AttentionLayers(List.of(), 0);
        }
        if (prepared.candidates().equals(List.of(config.weightsOutput()))) {
            long[] shape = TensorChecks.tensor(
                    outputs, config.weightsOutput(), "output", OnnxJavaType.FLOAT, 4, "the contract");
            int heads = TensorChecks.staticDim(shape, 1, "output " + config.weightsOutput(), DYNAMIC_AXES);
            return new AttentionLayers(prepared.candidates(), heads);
        }
        Map<String, long[]> shapes = probe.run(session, prepared.candidates());
        List<String> layers = new ArrayList<>();
        long heads = 0;
        for (String candidate : prepared.candidates()) {
            long[] shape = shapes.get(candidate);
            boolean attention = shape.length == 4
                    && shape[0] == 1
                    && shape[1] > 0
                    && shape[2] == PROBE_LENGTH
                    && shape[3] == PROBE_LENGTH;
            if (!attention) {
                continue;
            }
            if (heads != 0 && shape[1] != heads) {
                throw new ModelLoadException("The model's attention layers have different head counts ("
                        + heads + " in " + layers.get(0) + ", " + shape[1] + " in " + candidate
                        + "); the weights contract needs one: run it with --weights off.");
            }
            heads = shape[1];
            layers.add(candidate);
        }
        if (layers.isEmpty() && config.attentionWanted()) {
            throw new ModelLoadException("None of the model's candidate attention tensors " + prepared.candidates()
                    + " is [batch, heads, seq, seq] (a run on " + PROBE_LENGTH + " positions gave "
                    + describe(shapes) + "): export the attention probabilities as outputs, or run it with"
                    + " --weights off.");
        }
        return new AttentionLayers(layers, Math.toIntExact(heads));
    }

    private static String describe(Map<String, long[]> shapes) {
        List<String> parts = new ArrayList<>();
        shapes.forEach((name, shape) -> parts.add(name + " " + Arrays.toString(shape)));
        return String.join(", ", parts);
    }

    /** One run on a single short window of real positions, to read the shapes of tensors. */
    private static final class Probe {
        final InputKind kind;
        final String inputName;
        final int featureDim;
        final int vocabSize;
        final String maskName;
        final Mask mask;
        final String tokenTypeName;

        Probe(
                InputKind kind,
                String inputName,
                int featureDim,
                int vocabSize,
                String maskName,
                Mask mask,
                String tokenTypeName) {
            this.kind = kind;
            this.inputName = inputName;
            this.featureDim = featureDim;
            this.vocabSize = vocabSize;
            this.maskName = maskName;
            this.mask = mask;
            this.tokenTypeName = tokenTypeName;
        }

        Map<String, long[]> run(OrtSession session, List<String> tensors) throws OrtException {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            long[] seqShape = {1, PROBE_LENGTH};
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try {
                if (kind == InputKind.FEATURES) {
                    inputs.put(
                            inputName,
                            OnnxTensor.createTensor(env, FloatBuffer.allocate(PROBE_LENGTH * featureDim), new long[] {
                                1, PROBE_LENGTH, featureDim
                            }));
                } else {
                    long[] ids = new long[PROBE_LENGTH];
                    Arrays.fill(ids, Math.min(1, vocabSize - 1));
                    inputs.put(inputName, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), seqShape));
                }
                if (mask == Mask.PADDING) {
                    inputs.put(maskName, OnnxTensor.createTensor(env, new boolean[][] {new boolean[PROBE_LENGTH]}));
                } else {
                    long[] ones = new long[PROBE_LENGTH];
                    Arrays.fill(ones, 1L);
                    inputs.put(maskName, OnnxTensor.createTensor(env, LongBuffer.wrap(ones), seqShape));
                }
                if (tokenTypeName != null) {
                    inputs.put(
                            tokenTypeName,
                            OnnxTensor.createTensor(env, LongBuffer.wrap(new long[PROBE_LENGTH]), seqShape));
                }
                Map<String, long[]> shapes = new HashMap<>();
                try (OrtSession.Result result = session.run(inputs, new LinkedHashSet<>(tensors))) {
                    for (Map.Entry<String, OnnxValue> e : result) {
                        shapes.put(
                                e.getKey(),
                                e.getValue() instanceof OnnxTensor t
                                        ? t.getInfo().getShape()
                                        : new long[0]);
                    }
                }
                return shapes;
            } catch (OrtException e) {
                throw new ModelLoadException(
                        "The model failed a trial run on one window of " + PROBE_LENGTH + " positions: "
                                + OrtSessions.firstLine(e.getMessage()),
                        e);
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
    }

    private static InputKind inputKind(Map<String, NodeInfo> inputs, ModelConfig config) {
        boolean hasFeatures = inputs.containsKey(config.featuresInput());
        boolean hasTokens = config.tokensInputs().stream().anyMatch(inputs::containsKey);
        String tokens = String.join("' or '", config.tokensInputs());
        InputKind expected = config.expectedKind();
        if (expected == InputKind.FEATURES && !hasFeatures) {
            throw new ModelLoadException("--input-kind features expects a model input named '" + config.featuresInput()
                    + "' but the model's inputs are " + inputs.keySet()
                    + (hasTokens ? ": this is a token model, use --input-kind tokens." : "."));
        }
        if (expected == InputKind.TOKENS && !hasTokens) {
            throw new ModelLoadException("--input-kind tokens expects a model input named '" + tokens
                    + "' but the model's inputs are " + inputs.keySet()
                    + (hasFeatures ? ": this is a feature model, use --input-kind features." : "."));
        }
        if (expected != null) {
            return expected;
        }
        if (hasFeatures == hasTokens) {
            throw new ModelLoadException("The model's inputs are " + inputs.keySet() + ", expected exactly one of '"
                    + config.featuresInput() + "' (features) or '" + tokens + "' (tokens) beside '"
                    + config.padMaskInput() + "' or '" + config.attentionMaskInput() + "'.");
        }
        return hasFeatures ? InputKind.FEATURES : InputKind.TOKENS;
    }

    private static Mask mask(Map<String, NodeInfo> inputs, ModelConfig config) {
        boolean padding = inputs.containsKey(config.padMaskInput());
        boolean attention = inputs.containsKey(config.attentionMaskInput());
        if (padding == attention) {
            throw new ModelLoadException("The model's inputs are " + inputs.keySet() + ", expected exactly one of '"
                    + config.padMaskInput() + "' (bool, true = padding) or '" + config.attentionMaskInput()
                    + "' (int64, 1 = real token): map other names with --tensor-name.");
        }
        return padding ? Mask.PADDING : Mask.ATTENTION;
    }

    /** Metadata {@code vocab_size}, else the rows of the word-embedding table the tokens index. */
    private static int vocabSize(Map<String, String> metadata, ModelGraph graph, String tokensInput) {
        String value = metadata.get(METADATA_VOCAB_SIZE);
        if (value == null) {
            OptionalInt table = graph.vocabularyTable(tokensInput);
            if (table.isPresent()) {
                return table.getAsInt();
            }
            throw new ModelLoadException("The token model has no '" + METADATA_VOCAB_SIZE
                    + "' metadata entry and no word-embedding table that " + tokensInput
                    + " indexes, and the job needs the vocabulary size to reject out-of-range tokens; add the entry"
                    + " when exporting (see models/README.md).");
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
