package io.attentionstream.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attentionstream.core.model.OutputRows;
import io.attentionstream.job.SetupException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobConfigTest {

    private static JobConfig.Builder minimal() {
        return JobConfig.builder().bootstrapServers("localhost:9092").model(Path.of("model.onnx"));
    }

    @Test
    void unsetOptionsHaveTheirDefaults() {
        JobConfig config = minimal().build();
        assertThat(config.inputTopic()).isEqualTo("attention.input");
        assertThat(config.checkpointIntervalMs()).isEqualTo(10_000);
        assertThat(config.maxRecordBytes()).isEqualTo(1_048_576);
        assertThat(config.isSet(JobOptions.WINDOW_SIZE)).isFalse();
        assertThat(config.toBuilder().windowSize(8).build().windowSize()).isEqualTo(8);
    }

    @Test
    void outputRowsDefaultToLastInIncrementalMode() {
        assertThat(minimal().mode(Mode.INCREMENTAL).build().effectiveOutputRows())
                .isEqualTo(OutputRows.LAST);
        assertThat(minimal()
                        .mode(Mode.INCREMENTAL)
                        .outputRows(OutputRows.ALL)
                        .build()
                        .effectiveOutputRows())
                .isEqualTo(OutputRows.ALL);
    }

    @Test
    void eachCheckNamesItsFlag() {
        assertRefused(minimal().maxRecordBytes(0), "--max-record-bytes must be positive, got 0.");
        assertRefused(minimal().checkpointIntervalMs(50), "--checkpoint-interval-ms must be at least 100, got 50.");
        assertRefused(minimal().maxOutOfOrdernessMs(-1), "--max-out-of-orderness-ms must be 0 or more, got -1.");
        assertRefused(minimal().parallelism(0), "--parallelism must be between 1 and 32768, got 0.");
        assertRefused(minimal().groupId(" "), "--group-id must not be empty.");
        assertRefused(
                minimal().transactionTimeoutMs(10_000),
                "--transaction-timeout-ms (10000) must be above --checkpoint-interval-ms (10000), or transactions expire before their checkpoint commits them.");
        assertRefused(JobConfig.builder().model(Path.of("m.onnx")), "--bootstrap-servers is required");
        assertRefused(JobConfig.builder().bootstrapServers("b:1"), "--model is required");
    }

    @Test
    void kafkaPropertyValuesAreNeverShown() {
        JobConfig config =
                minimal().kafkaProperty("sasl.jaas.config", "secret-value").build();
        assertThat(config.kafka().get("sasl.jaas.config", null)).isEqualTo("secret-value");
        assertThat(config.toString()).doesNotContain("secret-value");
    }

    @Test
    void keysAreUnique() {
        Set<String> keys = new HashSet<>();
        JobOptions.ALL.forEach(o -> assertThat(keys.add(o.key())).as(o.key()).isTrue());
    }

    private static void assertRefused(JobConfig.Builder builder, String message) {
        assertThatThrownBy(builder::build).isInstanceOf(SetupException.class).hasMessageContaining(message);
    }
}
