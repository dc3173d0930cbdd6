package io.attentionstream.core.model;

/** How much of the attention weights is emitted (`--weights`). */
public enum WeightsMode {
    /** Every head, every valid query row over every valid key. */
    FULL("full"),
    /** Every head, only the last valid query row: {@code heads × length} per window. */
    LAST_ROW("last-row"),
    /** No weights records. */
    OFF("off");

    private final String cliName;

    WeightsMode(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static WeightsMode fromCliName(String name) {
        for (WeightsMode mode : values()) {
            if (mode.cliName.equalsIgnoreCase(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("Unknown weights mode '" + name + "': use --weights full, last-row or off.");
    }
}
