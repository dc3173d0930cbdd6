package io.attentionstream.core.model;

/** What one sequence event carries into the model: a feature vector or a token id. */
public enum InputKind {
    FEATURES("features"),
    TOKENS("tokens");

    private final String cliName;

    InputKind(String cliName) {
        this.cliName = cliName;
    }

    /** The spelling used by `--input-kind` and the model metadata key `input_kind`. */
    public String cliName() {
        return cliName;
    }

    public static InputKind fromCliName(String name) {
        for (InputKind kind : values()) {
            if (kind.cliName.equalsIgnoreCase(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException(
                "Unknown input kind '" + name + "': use --input-kind features or --input-kind tokens.");
    }
}
