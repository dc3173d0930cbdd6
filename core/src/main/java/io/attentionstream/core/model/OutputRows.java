package io.attentionstream.core.model;

/** Which output rows of a window are emitted (`--output-rows`). */
public enum OutputRows {
    /** Every valid position's row. */
    ALL("all"),
    /** Only the newest (last valid) position's row: the usual choice for stride-1 streams. */
    LAST("last");

    private final String cliName;

    OutputRows(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static OutputRows fromCliName(String name) {
        for (OutputRows rows : values()) {
            if (rows.cliName.equalsIgnoreCase(name)) {
                return rows;
            }
        }
        throw new IllegalArgumentException(
                "Unknown output rows '" + name + "': use --output-rows all or --output-rows last.");
    }
}
