package io.attentionstream.job.config;

/** How windows are computed ({@code --mode}). */
public enum Mode {
    /** The window model on each whole window. */
    FULL,
    /** The incremental model on each new event and the key's cached keys and values. */
    INCREMENTAL;

    /** The spelling of {@code --mode}. */
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Mode fromCliName(String value) {
        for (Mode mode : values()) {
            if (mode.name().equalsIgnoreCase(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("Unknown mode '" + value + "': use --mode full or --mode incremental.");
    }
}
