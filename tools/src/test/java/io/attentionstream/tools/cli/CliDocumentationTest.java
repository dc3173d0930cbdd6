package io.attentionstream.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The README documents every flag of every tools command exactly as the CLI defines it (bench: BenchDocumentationTest). */
class CliDocumentationTest {

    @ParameterizedTest
    @ValueSource(strings = {"run", "demo", "produce", "consume", "viz"})
    void readmeFlagTableMatchesTheCommand(String command) throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher block = Pattern.compile(
                        "<!-- flags:" + command
                                + " .*?-->\\n\\| flag \\| meaning \\|\\n\\|---\\|---\\|\\n(.*?)\\n<!-- /flags:"
                                + command + " -->",
                        Pattern.DOTALL)
                .matcher(readme);
        assertThat(block.find()).as("README has a flags:%s table", command).isTrue();
        List<String> documented = Arrays.asList(block.group(1).split("\\n"));
        List<String> expected = FlagTable.rows(command);
        assertThat(documented)
                .as("README flags of `%s`; replace the table with:%n%s", command, String.join("\n", expected))
                .containsExactlyElementsOf(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "demo", "produce", "consume", "viz"})
    void readmeShowsAnExampleOfEachCommand(String command) throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        assertThat(readme).contains("bin/attention-stream " + command);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "--bootstrap-servers",
                "--input-topic",
                "--output-topic",
                "--weights-topic",
                "--dlq-topic",
                "--model",
                "--model-sha256",
                "--input-kind",
                "--window-size",
                "--stride",
                "--idle-flush-ms",
                "--state-ttl-ms",
                "--max-out-of-orderness-ms",
                "--batch-size",
                "--batch-timeout-ms",
                "--weights",
                "--output-rows",
                "--bounded",
                "--parallelism",
                "--checkpoint-interval-ms",
                "--group-id",
                "--transactional-id-prefix",
                "--kafka-property",
                "--kafka-config"
            })
    void theContractFlagsExistOnRun(String flag) {
        assertThat(FlagTable.rows("run"))
                .anyMatch(row -> row.startsWith("| `" + flag + " ") || row.startsWith("| `" + flag + "`"));
    }
}
