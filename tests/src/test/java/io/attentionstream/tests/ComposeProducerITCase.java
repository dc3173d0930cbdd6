package io.attentionstream.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.core.golden.GoldenCase;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.SequenceEventCodec;
import io.attentionstream.tests.cluster.FlinkLibClasspath;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What docker-compose's producer runs, outside Docker: a new JVM with only a Flink distribution's
 * {@code lib/} and the tools' CLI jar ({@code tools/target/attention-stream-tools-<version>-cli.jar})
 * on its class path runs {@code AttentionStreamCli produce}, and the topic then holds the sample
 * stream as contract records. The lib/ is made from this JVM's class path the way
 * {@code KilledTaskManagerITCase} makes it, so a class the CLI jar lacks fails here.
 */
class ComposeProducerITCase extends PipelineTestBase {
    private static final String CLI = "io.attentionstream.tools.cli.AttentionStreamCli";
    private static final int KEYS = 3;
    private static final int EVENTS = 20;

    @Test
    void theToolsCliJarBesideFlinksLibProducesTheSampleStream(@TempDir Path dir) throws Exception {
        Topics topics = Topics.create("compose-producer");
        String classpath =
                FlinkLibClasspath.of(System.getProperty("java.class.path"), List.of()) + File.pathSeparator + cliJar();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath,
                CLI,
                "produce",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--input-topic",
                topics.input(),
                "--kind",
                "features",
                "--keys",
                Integer.toString(KEYS),
                "--events",
                Integer.toString(EVENTS)));
        Path log = dir.resolve("producer.log");
        Process producer = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean ended = producer.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            producer.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as("the producer ended within 2 minutes:%n%s", output).isTrue();
        assertThat(producer.exitValue()).as("exit code; output:%n%s", output).isZero();

        List<ConsumerRecord<byte[], byte[]>> records = readCommittedRaw(topics.input());
        assertThat(records)
                .as("records on %s; producer output:%n%s", topics.input(), output)
                .hasSize(KEYS * EVENTS);
        Set<String> keys = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Event e = SequenceEventCodec.decode(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(e.key);
            assertThat(e.features).isNotNull();
            keys.add(e.key);
        }
        assertThat(keys).hasSize(KEYS);
    }

    /** The jar the reactor's package phase attached to the tools module. */
    private static Path cliJar() {
        Path target = GoldenCase.modelsDir().getParent().resolve("tools").resolve("target");
        try (Stream<Path> jars = Files.list(target)) {
            return jars.filter(p -> p.getFileName().toString().matches("attention-stream-tools-.*-cli\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "No CLI jar in " + target + ": build it with `mvn -B package -DskipTests`."));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot list " + target + ": build the tools with `mvn -B package -DskipTests`.", e);
        }
    }
}
