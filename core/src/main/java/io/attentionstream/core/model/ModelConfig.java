package io.attentionstream.core.model;

import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * How to load and check a model. Defaults follow the model contract of {@code models/README.md};
 * every tensor name can be changed for models exported with other names.
 */
public final class ModelConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_FEATURES_INPUT = "x";
    public static final String DEFAULT_TOKENS_INPUT = "tokens";
    public static final String DEFAULT_PAD_MASK_INPUT = "pad_mask";
    public static final String DEFAULT_OUTPUT = "out";
    public static final String DEFAULT_WEIGHTS_OUTPUT = "weights";

    private final String expectedSha256;
    private final InputKind expectedKind;
    private final Integer expectedFeatureDim;
    private final String featuresInput;
    private final String tokensInput;
    private final String padMaskInput;
    private final String output;
    private final String weightsOutput;
    private final int intraOpThreads;

    private ModelConfig(Builder b) {
        this.expectedSha256 = b.expectedSha256 == null ? null : b.expectedSha256.toLowerCase(Locale.ROOT);
        this.expectedKind = b.expectedKind;
        this.expectedFeatureDim = b.expectedFeatureDim;
        this.featuresInput = b.featuresInput;
        this.tokensInput = b.tokensInput;
        this.padMaskInput = b.padMaskInput;
        this.output = b.output;
        this.weightsOutput = b.weightsOutput;
        this.intraOpThreads = b.intraOpThreads;
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

    public String tokensInput() {
        return tokensInput;
    }

    public String padMaskInput() {
        return padMaskInput;
    }

    public String output() {
        return output;
    }

    public String weightsOutput() {
        return weightsOutput;
    }

    /** ONNX Runtime intra-op threads per model instance; one per Flink slot is the default. */
    public int intraOpThreads() {
        return intraOpThreads;
    }

    /** Builder; each setter checks its argument. */
    public static final class Builder {
        private String expectedSha256;
        private InputKind expectedKind;
        private Integer expectedFeatureDim;
        private String featuresInput = DEFAULT_FEATURES_INPUT;
        private String tokensInput = DEFAULT_TOKENS_INPUT;
        private String padMaskInput = DEFAULT_PAD_MASK_INPUT;
        private String output = DEFAULT_OUTPUT;
        private String weightsOutput = DEFAULT_WEIGHTS_OUTPUT;
        private int intraOpThreads = 1;

        private Builder() {}

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
            return this;
        }

        public Builder padMaskInput(String name) {
            this.padMaskInput = requireName(name, "pad mask input");
            return this;
        }

        public Builder output(String name) {
            this.output = requireName(name, "output");
            return this;
        }

        public Builder weightsOutput(String name) {
            this.weightsOutput = requireName(name, "weights output");
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
