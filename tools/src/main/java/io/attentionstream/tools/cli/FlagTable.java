package io.attentionstream.tools.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The README's flag tables, made from the commands' own option definitions: the README is
 * checked against these rows, so the documentation cannot drift from the CLI.
 */
public final class FlagTable {
    private FlagTable() {}

    /** One markdown table row per option of a subcommand, in declaration order. */
    public static List<String> rows(String command) {
        CommandLine sub = AttentionStreamCli.commandLine().getSubcommands().get(command);
        if (sub == null) {
            throw new IllegalArgumentException("No command '" + command + "'.");
        }
        List<String> rows = new ArrayList<>();
        for (OptionSpec o : sub.getCommandSpec().options()) {
            if (o.usageHelp() || o.versionHelp()) {
                continue;
            }
            String label = o.typeInfo().isBoolean() ? "" : " " + o.paramLabel();
            String description =
                    String.join(" ", o.description()).replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValue()));
            rows.add("| `" + escape(o.longestName() + label) + "` | " + escape(description)
                    + (o.required() ? " **Required.**" : "") + " |");
        }
        return rows;
    }

    private static String escape(String text) {
        return text.replace("|", "\\|");
    }
}
