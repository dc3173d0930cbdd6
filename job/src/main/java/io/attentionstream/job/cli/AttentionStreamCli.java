package io.attentionstream.job.cli;

import io.attentionstream.job.SetupException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The `attention-stream` command line. Also the job jar's main class: `flink run JAR [ARGS]`
 * runs the `run` command, the default when the first argument is not a command.
 */
@Command(
        name = "attention-stream",
        mixinStandardHelpOptions = true,
        versionProvider = AttentionStreamCli.Version.class,
        description = "Run attention models on live streams: Kafka + Flink + ONNX Runtime.",
        subcommands = {
            RunCommand.class, DemoCommand.class, ProduceCommand.class, ConsumeCommand.class, VizCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public class AttentionStreamCli {
    public static final int EXIT_SETUP = 2;
    private static final Set<String> TOP_LEVEL = Set.of("-h", "--help", "-V", "--version");

    public static void main(String[] args) {
        int code = execute(args);
        // Under `flink run` a normal return hands control back to the Flink client.
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs the command line and returns its exit code. */
    public static int execute(String... args) {
        CommandLine cli = commandLine();
        return cli.execute(withDefaultCommand(cli, args));
    }

    /** Runs the command line writing its messages to the given streams; returns the exit code. */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(withDefaultCommand(cli, args));
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new AttentionStreamCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof SetupException || e instanceof IllegalArgumentException) {
                commandLine.getErr().println("attention-stream: " + e.getMessage());
                return EXIT_SETUP;
            }
            throw e;
        });
        return cli;
    }

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
