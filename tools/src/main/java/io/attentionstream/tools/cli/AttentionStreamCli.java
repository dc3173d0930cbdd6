package io.attentionstream.tools.cli;

import io.attentionstream.job.SetupException;
import io.attentionstream.job.cli.RunCommand;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The `bin/attention-stream` command line: the job ({@code run}) and the tools around it. Modules
 * on the classpath add commands of their own through {@link ToolCommand} (the bench does).
 */
@Command(
        name = "attention-stream",
        mixinStandardHelpOptions = true,
        versionProvider = AttentionStreamCli.Version.class,
        description = "Run attention models on live streams: Kafka + Flink + ONNX Runtime.",
        subcommands = {
            RunCommand.class,
            DemoCommand.class,
            ProduceCommand.class,
            ConsumeCommand.class,
            VizCommand.class,
            CommandLine.HelpCommand.class
        })
public class AttentionStreamCli {
    public static final int EXIT_SETUP = 2;
    /** picocli's own exit code for a command line it cannot parse. */
    public static final int EXIT_USAGE = 2;

    private static final Set<String> TOP_LEVEL = Set.of("-h", "--help", "-V", "--version");

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code. */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line writing its messages to the given streams; returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        String unknown = unknownCommand(cli, args);
        if (unknown != null) {
            err.println("attention-stream: unknown command '" + unknown + "'. Commands: "
                    + String.join(", ", commandNames(cli)) + ". See bin/attention-stream --help.");
            err.flush();
            return EXIT_USAGE;
        }
        return cli.execute(withDefaultCommand(cli, args));
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new AttentionStreamCli());
        for (ToolCommand command : ServiceLoader.load(ToolCommand.class)) {
            cli.addSubcommand(command);
        }
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof SetupException
                    || e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException) {
                commandLine.getErr().println("attention-stream: " + e.getMessage());
                return EXIT_SETUP;
            }
            throw e;
        });
        return cli;
    }

    /** The commands, in the order --help lists them. */
    static List<String> commandNames(CommandLine cli) {
        List<String> names = new ArrayList<>(cli.getSubcommands().keySet());
        names.remove("help");
        return names;
    }

    /** A first argument that is a word but no command: a typo, never taken as `run`. */
    static String unknownCommand(CommandLine cli, String[] args) {
        if (args.length == 0 || args[0].startsWith("-") || cli.getSubcommands().containsKey(args[0])) {
            return null;
        }
        return args[0];
    }

    /** Flags without a command mean `run`, as for the job jar under `flink run`. */
    static String[] withDefaultCommand(CommandLine cli, String[] args) {
        if (args.length > 0 && (cli.getSubcommands().containsKey(args[0]) || TOP_LEVEL.contains(args[0]))) {
            return args;
        }
        List<String> withRun = new ArrayList<>(args.length + 1);
        withRun.add("run");
        withRun.addAll(Arrays.asList(args));
        return withRun.toArray(new String[0]);
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = AttentionStreamCli.class.getPackage().getImplementationVersion();
            return new String[] {"attention-stream " + (v == null ? "(development build)" : v)};
        }
    }
}
