package io.attentionstream.core.model;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How to load and check a model. Defaults follow the model contract of {@code models/README.md}
 * and, for the roles an encoder exported by the usual tools names otherwise ({@code input_ids},
 * {@code attention_mask}, {@code token_type_ids}, {@code last_hidden_state}), those names too;
 * every tensor name can be changed for models exported with other names.
 */
public final class ModelConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_FEATURES_INPUT = "x";
    public static final String DEFAULT_TOKENS_INPUT = "tokens";
    public static final String DEFAULT_PAD_MASK_INPUT = "pad_mask";
    public static final String DEFAULT_OUTPUT = "out";
    public static final String DEFAULT_WEIGHTS_OUTPUT = "weights";
    public static final String ENCODER_TOKENS_INPUT = "input_ids";
    public static final String DEFAULT_ATTENTION_MASK_INPUT = "attention_mask";
    public static final String DEFAULT_TOKEN_TYPE_INPUT = "token_type_ids";
    public static final String ENCODER_OUTPUT = "last_hidden_state";

    private final String expectedSha256;
    private final InputKind expectedKind;
    private final Integer expectedFeatureDim;
    private final String featuresInput;
    private final String tokensInput;
    private final boolean tokensInputNamed;
    private final String padMaskInput;
    private final String attentionMaskInput;
    private final String tokenTypeInput;
    private final String output;
    private final boolean outputNamed;
    private final String weightsOutput;
    private final boolean weightsOutputNamed;
    private final boolean attentionWanted;
    private final LayerSelection weightsLayers;
    private final int intraOpThreads;
    private final String fileName;
    private final SpecialTokens specialTokens;

    private ModelConfig(Builder b) {
        this.expectedSha256 = b.expectedSha256 == null ? null : b.expectedSha256.toLowerCase(Locale.ROOT);
        this.expectedKind = b.expectedKind;
        this.expectedFeatureDim = b.expectedFeatureDim;
        this.featuresInput = b.featuresInput;
        this.tokensInput = b.tokensInput;
        this.tokensInputNamed = b.tokensInputNamed;
        this.padMaskInput = b.padMaskInput;
        this.attentionMaskInput = b.attentionMaskInput;
        this.tokenTypeInput = b.tokenTypeInput;
        this.output = b.output;
        this.outputNamed = b.outputNamed;
        this.weightsOutput = b.weightsOutput;
        this.weightsOutputNamed = b.weightsOutputNamed;
        this.attentionWanted = b.attentionWanted;
        this.weightsLayers = b.weightsLayers;
        this.intraOpThreads = b.intraOpThreads;
        this.fileName = b.fileName;
        this.specialTokens = b.specialTokens;
    }

    public static ModelConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Lower-case hex SHA-256 the model bytes must have, or null to accept any model. */
    public String expectedSha256() {
        return expectedSha256;
    }

    /** The input kind the job is configured for, or null to take the model's. */
    public InputKind expectedKind() {
        return expectedKind;
    }

    /** The feature dimension the input carries, or null to take the model's. */
    public Integer expectedFeatureDim() {
        return expectedFeatureDim;
    }

    public String featuresInput() {
        return featuresInput;
    }

    /** The tokens input's names to look for: the one given, else {@code tokens} then {@code input_ids}. */
    public List<String> tokensInputs() {
        return tokensInputNamed ? List.of(tokensInput) : List.of(tokensInput, ENCODER_TOKENS_INPUT);
    }

    /** The bool padding mask input (true = padding). */
    public String padMaskInput() {
        return padMaskInput;
    }

    /** The int64 attention mask input (1 = real token), the encoders' alternative to the padding mask. */
    public String attentionMaskInput() {
        return attentionMaskInput;
    }

    /** The optional token type input, fed with zeros when the model has it. */
    public String tokenTypeInput() {
        return tokenTypeInput;
    }

    /** The output's name as given, or the contract's {@code out}. */
    public String output() {
        return output;
    }

    /** The output's names to look for: the one given, else {@code out} then {@code last_hidden_state}. */
    public List<String> outputs() {
        return outputNamed ? List.of(output) : List.of(output, ENCODER_OUTPUT);
    }

    public String weightsOutput() {
        return weightsOutput;
    }

    /** True when the weights output was named (`--tensor-name weights=NAME`): the model must have it. */
    public boolean weightsOutputNamed() {
        return weightsOutputNamed;
    }

    /**
     * False with {@code --weights off}: the model may then have no attention that the job can
     * find, and none is exposed.
     */
    public boolean attentionWanted() {
        return attentionWanted;
    }

    /** The layers whose attention is emitted. */
    public LayerSelection weightsLayers() {
        return weightsLayers;
    }

    /** ONNX Runtime intra-op threads per model instance; one per Flink slot is the default. */
    public int intraOpThreads() {
        return intraOpThreads;
    }

    /**
     * The model file's name without {@code .onnx}, or null: the model's name when its metadata has
     * no {@code model_name} (exporters name graphs {@code torch_jit} or {@code main_graph}).
     */
    public String fileName() {
        return fileName;
    }

    /** The ids put around every window of a token model, or null for none. */
    public SpecialTokens specialTokens() {
        return specialTokens;
    }

    private Builder toBuilder() {
        Builder b = new Builder();
        b.expectedSha256 = expectedSha256;
        b.expectedKind = expectedKind;
        b.expectedFeatureDim = expectedFeatureDim;
        b.featuresInput = featuresInput;
        b.tokensInput = tokensInput;
        b.tokensInputNamed = tokensInputNamed;
        b.padMaskInput = padMaskInput;
        b.attentionMaskInput = attentionMaskInput;
        b.tokenTypeInput = tokenTypeInput;
        b.output = output;
        b.outputNamed = outputNamed;
        b.weightsOutput = weightsOutput;
        b.weightsOutputNamed = weightsOutputNamed;
        b.attentionWanted = attentionWanted;
        b.weightsLayers = weightsLayers;
        b.intraOpThreads = intraOpThreads;
        b.fileName = fileName;
        b.specialTokens = specialTokens;
        return b;
    }

    /** This configuration with the model file's name set from {@code file}, unless one is set. */
    public ModelConfig withFileName(java.nio.file.Path file) {
        if (fileName != null || file == null || file.getFileName() == null) {
            return this;
        }
        return toBuilder().fileName(file.getFileName().toString()).build();
    }

    /** Builder; each setter checks its argument. */
    public static final class Builder {
        private String expectedSha256;
        private InputKind expectedKind;
        private Integer expectedFeatureDim;
        private String featuresInput = DEFAULT_FEATURES_INPUT;
        private String tokensInput = DEFAULT_TOKENS_INPUT;
        private boolean tokensInputNamed;
        private String padMaskInput = DEFAULT_PAD_MASK_INPUT;
        private String attentionMaskInput = DEFAULT_ATTENTION_MASK_INPUT;
        private String tokenTypeInput = DEFAULT_TOKEN_TYPE_INPUT;
        private String output = DEFAULT_OUTPUT;
        private boolean outputNamed;
        private String weightsOutput = DEFAULT_WEIGHTS_OUTPUT;
        private boolean weightsOutputNamed;
        private boolean attentionWanted = true;
        private LayerSelection weightsLayers = LayerSelection.ALL;
        private int intraOpThreads = 1;
        private String fileName;
        private SpecialTokens specialTokens;

        private Builder() {}

        public Builder specialTokens(SpecialTokens tokens) {
            this.specialTokens = tokens;
            return this;
        }

        /** The model file's name; a trailing {@code .onnx} is dropped. */
        public Builder fileName(String name) {
            this.fileName = name == null || name.isBlank() ? null : name.replaceFirst("(?i)\\.onnx$", "");
            return this;
        }

        public Builder expectedSha256(String hex) {
            if (hex != null && !hex.matches("(?i)[0-9a-f]{64}")) {
                throw new IllegalArgumentException(
                        "--model-sha256 must be 64 hexadecimal characters, got '" + hex + "'.");
            }
            this.expectedSha256 = hex;
            return this;
        }

        public Builder expectedKind(InputKind kind) {
            this.expectedKind = kind;
            return this;
        }

        public Builder expectedFeatureDim(Integer dim) {
            if (dim != null && dim <= 0) {
                throw new IllegalArgumentException("The feature dimension must be positive, got " + dim + ".");
            }
            this.expectedFeatureDim = dim;
            return this;
        }

        public Builder featuresInput(String name) {
            this.featuresInput = requireName(name, "features input");
            return this;
        }

        public Builder tokensInput(String name) {
            this.tokensInput = requireName(name, "tokens input");
            this.tokensInputNamed = true;
            return this;
        }

        public Builder padMaskInput(String name) {
            this.padMaskInput = requireName(name, "pad mask input");
            return this;
        }

        public Builder attentionMaskInput(String name) {
            this.attentionMaskInput = requireName(name, "attention mask input");
            return this;
        }

        public Builder tokenTypeInput(String name) {
            this.tokenTypeInput = requireName(name, "token type input");
            return this;
        }

        public Builder output(String name) {
            this.output = requireName(name, "output");
            this.outputNamed = true;
            return this;
        }

        public Builder attentionWanted(boolean wanted) {
            this.attentionWanted = wanted;
            return this;
        }

        public Builder weightsLayers(LayerSelection layers) {
            this.weightsLayers = Objects.requireNonNull(layers, "weights layers");
            return this;
        }

        public Builder weightsOutput(String name) {
            this.weightsOutput = requireName(name, "weights output");
            this.weightsOutputNamed = true;
            return this;
        }

        public Builder intraOpThreads(int threads) {
            if (threads < 1 || threads > 256) {
                throw new IllegalArgumentException("Intra-op threads must be between 1 and 256, got " + threads + ".");
            }
            this.intraOpThreads = threads;
            return this;
        }

        public ModelConfig build() {
            return new ModelConfig(this);
        }

        private static String requireName(String name, String what) {
            Objects.requireNonNull(name, what + " name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("The " + what + " name must not be blank.");
            }
            return name;
        }
    }
}
