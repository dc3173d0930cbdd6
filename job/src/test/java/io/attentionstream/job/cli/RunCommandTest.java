package io.attentionstream.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.job.config.JobConfig;
import io.attentionstream.job.config.JobOption;
import io.attentionstream.job.config.JobOptions;
import io.attentionstream.job.config.Mode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The run command's flags are the option declarations, and parsing them fills the typed configuration. */
class RunCommandTest {

    private static JobConfig parse(String... args) {
        RunCommand command = new RunCommand();
        new CommandLine(command).parseArgs(args);
        return command.config();
    }

    @Test
    void everyDeclaredOptionIsAFlagOfRunInDeclarationOrder() {
        List<String> flags = new CommandLine(new RunCommand())
                .getCommandSpec().options().stream()
                        .filter(o -> !o.usageHelp() && !o.versionHelp())
                        .map(OptionSpec::longestName)
                        .toList();
        assertThat(flags)
                .containsExactlyElementsOf(
                        JobOptions.ALL.stream().map(JobOption::flag).toList());
    }

    @Test
    void flagsFillTheSameConfigurationAsTheBuilder() {
        JobConfig fromFlags = parse(
                "--bootstrap-servers",
                "b:9092",
                "--model",
                "m.onnx",
                "--window-size",
                "16",
                "--stride",
                "4",
                "--weights",
                "last-row",
                "--output-rows",
                "last",
                "--mode",
                "incremental",
                "--input-kind",
                "features",
                "--tensor-name",
                "x=features",
                "--kafka-property",
                "a=b",
                "--bounded",
                "--parallelism",
                "3",
                "--max-out-of-orderness-ms",
                "0",
                "--input-topic",
                "in");
        JobConfig built = JobConfig.builder()
                .bootstrapServers("b:9092")
                .model(Path.of("m.onnx"))
                .windowSize(16)
                .stride(4)
                .weights(WeightsMode.LAST_ROW)
                .outputRows(OutputRows.LAST)
                .mode(Mode.INCREMENTAL)
                .inputKind(InputKind.FEATURES)
                .tensorName("x", "features")
                .kafkaProperty("a", "b")
                .bounded(true)
                .parallelism(3)
                .maxOutOfOrdernessMs(0)
                .inputTopic("in")
                .build();
        for (JobOption<?> option : JobOptions.ALL) {
            assertThat((Object) fromFlags.get(option)).as(option.flag()).isEqualTo(built.get(option));
        }
        assertThat(fromFlags.kafka()).isEqualTo(built.kafka());
        assertThat(fromFlags.tensorNames()).isEqualTo(Map.of("x", "features"));
    }

    @Test
    void theCliDefaultsAreTheDeclaredDefaults() {
        JobConfig defaults = parse("--bootstrap-servers", "b:9092", "--model", "m.onnx");
        for (JobOption<?> option : JobOptions.ALL) {
            if (option.defaultValue() != null) {
                assertThat((Object) defaults.get(option)).as(option.flag()).isEqualTo(option.defaultValue());
            }
        }
        assertThat(defaults.windowSize()).isEqualTo(64);
        assertThat(defaults.effectiveOutputRows()).isEqualTo(OutputRows.ALL);
        assertThat(defaults.mode()).isEqualTo(Mode.FULL);
        assertThat(defaults.bounded()).isFalse();
        assertThat(defaults.parallelism()).isNull();
    }

    @Test
    void helpShowsTheDefaults() {
        String help = new CommandLine(new RunCommand()).getUsageMessage().replaceAll("\\s+", " ");
        assertThat(help).contains("Events per window. Default: 64.", "Attention weights to emit. Default: full.");
    }
}
