package io.attentionstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.tools.cli.FlagTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README documents every flag of `bench` exactly as the command defines it. */
class BenchDocumentationTest {

    @Test
    void readmeFlagTableMatchesTheCommand() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher block = Pattern.compile(
                        "<!-- flags:bench .*?-->\\n\\| flag \\| meaning \\|\\n\\|---\\|---\\|\\n(.*?)\\n<!-- /flags:bench -->",
                        Pattern.DOTALL)
                .matcher(readme);
        assertThat(block.find()).as("README has a flags:bench table").isTrue();
        List<String> documented = Arrays.asList(block.group(1).split("\\n"));
        List<String> expected = FlagTable.rows("bench");
        assertThat(documented)
                .as("README flags of `bench`; replace the table with:%n%s", String.join("\n", expected))
                .containsExactlyElementsOf(expected);
        assertThat(readme).contains("bin/attention-stream bench");
    }
}
