package io.attentionstream.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientConfigTest {
    private static final String SECRET =
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"hunter2-secret\";";

    @Test
    void propertiesWinOverTheFileAndReachEveryClient(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n");

        KafkaClientConfig config = KafkaClientConfig.of(
                "b1:9092,b2:9092", file, List.of("sasl.mechanism=PLAIN", "sasl.jaas.config=" + SECRET));
        Properties props = config.toProperties();

        assertThat(props.getProperty("bootstrap.servers")).isEqualTo("b1:9092,b2:9092");
        assertThat(props.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(props.getProperty("sasl.mechanism")).isEqualTo("PLAIN");
        assertThat(props.getProperty("sasl.jaas.config")).isEqualTo(SECRET);
    }

    @Test
    void toStringNamesKeysButNeverValues() {
        KafkaClientConfig config =
                KafkaClientConfig.of("b:9092", null, List.of("sasl.jaas.config=" + SECRET, "ssl.key.password=pa55"));
        assertThat(config.toString())
                .contains("sasl.jaas.config", "ssl.key.password")
                .doesNotContain("hunter2", "pa55");
    }

    @Test
    void aMalformedPropertyIsRefusedWithoutEchoingItsValue() {
        assertThatThrownBy(() -> KafkaClientConfig.of("b:9092", null, List.of("no-equals-sign-here")))
                .hasMessageContaining("--kafka-property takes key=value");
        assertThatThrownBy(() -> KafkaClientConfig.of("b:9092", null, List.of("=hunter2")))
                .hasMessageContaining("--kafka-property")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void missingFileAndMissingBrokersNameTheirFlags(@TempDir Path dir) {
        assertThatThrownBy(() -> KafkaClientConfig.of("b:9092", dir.resolve("nope.properties"), List.of()))
                .hasMessageContaining("--kafka-config");
        assertThatThrownBy(() -> KafkaClientConfig.of(" ", null, List.of()))
                .hasMessageContaining("--bootstrap-servers");
    }
}
