package io.attentionstream.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attentionstream.core.model.AttentionModel;
import io.attentionstream.job.JobSetup;
import io.attentionstream.job.SetupException;
import io.attentionstream.job.StartupChecks;
import io.attentionstream.job.config.JobConfig;
import io.attentionstream.tools.cli.AttentionStreamCli;
import io.attentionstream.tools.local.LocalKafka;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every setup mistake stops the job at start, before it consumes anything, with exit code 2 and
 * one sentence that names the setting to change.
 */
class BadSetupITCase extends PipelineTestBase {

    /** What one CLI run printed and returned. */
    record Outcome(int exitCode, String stderr) {
        /** The one sentence the user sees. */
        String message() {
            return stderr.strip();
        }
    }

    private static Outcome run(Topics topics, String... args) {
        List<String> all = new ArrayList<>(List.of("run", "--bootstrap-servers", kafka.bootstrapServers()));
        all.addAll(List.of(topics.args()));
        all.addAll(Arrays.asList(args));
        StringWriter err = new StringWriter();
        int code = AttentionStreamCli.execute(
                new PrintWriter(new StringWriter()), new PrintWriter(err, true), all.toArray(new String[0]));
        return new Outcome(code, err.toString());
    }

    private static void assertStopsAtStart(Topics topics, Outcome outcome, String... mustMention) {
        assertThat(outcome.exitCode()).as(outcome.stderr()).isEqualTo(AttentionStreamCli.EXIT_SETUP);
        assertThat(outcome.message())
                .startsWith("attention-stream: ")
                .doesNotContain("\n")
                .doesNotContain("Exception");
        for (String s : mustMention) {
            assertThat(outcome.message()).contains(s);
        }
        assertNothingConsumed(topics);
    }

    /**
     * The job never ran: its consumer group committed nothing for this test's input topic and no
     * output was written. (Jobs of other tests on the shared broker use the same group for their
     * own topics.)
     */
    private static void assertNothingConsumed(Topics topics) {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            assertThat(admin.listConsumerGroupOffsets("attention-stream")
                            .partitionsToOffsetAndMetadata()
                            .get()
                            .keySet())
                    .noneMatch(partition -> partition.topic().equals(topics.input()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(readCommittedRaw(topics.output())).isEmpty();
    }

    private static String featureModel() {
        return model("feature_attention").toString();
    }

    @Test
    void missingModelFile(@TempDir Path dir) {
        Topics t = Topics.create("setup");
        assertStopsAtStart(t, run(t, "--model", dir.resolve("missing.onnx").toString()), "--model", "missing.onnx");
    }

    @Test
    void corruptModelFile(@TempDir Path dir) throws IOException {
        Topics t = Topics.create("setup");
        Path corrupt = dir.resolve("corrupt.onnx");
        byte[] bytes = Files.readAllBytes(model("feature_attention"));
        Files.write(corrupt, Arrays.copyOf(bytes, bytes.length / 2));
        assertStopsAtStart(t, run(t, "--model", corrupt.toString()), "not a valid ONNX model", "--model");
    }

    @Test
    void digestMismatch() {
        Topics t = Topics.create("setup");
        String actual =
                io.attentionstream.core.model.Sha256.hex(AttentionModel.readModelFile(model("feature_attention")));
        assertStopsAtStart(
                t,
                run(t, "--model", featureModel(), "--model-sha256", "ab".repeat(32)),
                "--model-sha256",
                actual,
                "ab".repeat(32));
    }

    @Test
    void tokenModelForAFeatureStream() {
        Topics t = Topics.create("setup");
        assertStopsAtStart(
                t,
                run(t, "--model", model("token_attention").toString(), "--input-kind", "features"),
                "--input-kind tokens");
    }

    @Test
    void featureDimensionOfTheStreamDoesNotFitTheModel() {
        Topics t = Topics.create("setup");
        assertStopsAtStart(t, run(t, "--model", featureModel(), "--feature-dim", "32"), "--feature-dim", "64", "32");
    }

    @Test
    void windowModelInIncrementalModeNamesTheMissingInputs() {
        Topics t = Topics.create("setup");
        assertStopsAtStart(
                t,
                run(t, "--mode", "incremental", "--model", featureModel()),
                "past_keys",
                "past_values",
                "past_mask",
                "--mode incremental");
    }

    @Test
    void incrementalModeNeedsStrideOne() {
        Topics t = Topics.create("setup");
        assertStopsAtStart(
                t,
                run(
                        t,
                        "--mode",
                        "incremental",
                        "--model",
                        model("incremental_feature_attention").toString(),
                        "--window-size",
                        "8",
                        "--stride",
                        "2"),
                "--stride");
    }

    @Test
    void renamedInputIsLookedUpByTheGivenName() {
        Topics t = Topics.create("setup");
        assertStopsAtStart(
                t, run(t, "--model", featureModel(), "--tensor-name", "x=features"), "'features'", "[x, pad_mask]");
        assertStopsAtStart(
                t, run(t, "--model", featureModel(), "--tensor-name", "query=q"), "--tensor-name", "unknown role");
    }

    @Test
    void windowSizeOutOfRange() {
        Topics t = Topics.create("setup");
        assertStopsAtStart(t, run(t, "--model", featureModel(), "--window-size", "0"), "--window-size");
        assertStopsAtStart(t, run(t, "--model", featureModel(), "--window-size", "100000"), "--window-size");
    }

    @Test
    void strideOutOfRange() {
        Topics t = Topics.create("setup");
        assertStopsAtStart(t, run(t, "--model", featureModel(), "--window-size", "8", "--stride", "9"), "--stride");
    }

    @Test
    void transactionTimeoutAboveTheBrokersMaximum() {
        Topics t = Topics.create("setup");
        assertStopsAtStart(
                t,
                run(t, "--model", featureModel(), "--transaction-timeout-ms", "3600000"),
                "--transaction-timeout-ms",
                "transaction.max.timeout.ms",
                "900000");
    }

    @Test
    void transactionTimeoutBelowTheCheckpointInterval() {
        Topics t = Topics.create("setup");
        assertStopsAtStart(
                t,
                run(
                        t,
                        "--model",
                        featureModel(),
                        "--transaction-timeout-ms",
                        "5000",
                        "--checkpoint-interval-ms",
                        "10000"),
                "--transaction-timeout-ms",
                "--checkpoint-interval-ms");
    }

    @Test
    void weightsRecordTooLargeForTheProducer() {
        Topics t = Topics.create("setup");
        // 4 heads × 512 × 512 floats: 4 MiB, above the default max.request.size of 1 MiB.
        assertStopsAtStart(
                t, run(t, "--model", featureModel(), "--window-size", "512"), "--weights last-row", "max.request.size");
    }

    @Test
    void unknownTopicWithAutoCreationOff() {
        Topics t = Topics.create("setup");
        Topics missing = new Topics("no-such-input", t.output(), t.weights(), t.dlq());
        assertStopsAtStart(missing, run(missing, "--model", featureModel()), "no-such-input", "--input-topic");
    }

    @Test
    void brokerThatDoesNotAnswer() {
        // A port nothing listens on: the admin client gets no answer within the check's timeout.
        JobConfig config = JobConfig.builder()
                .bootstrapServers("127.0.0.1:1")
                .model(Path.of(featureModel()))
                .build();
        assertThatThrownBy(() -> StartupChecks.check(JobSetup.resolve(config), Duration.ofSeconds(3)))
                .isInstanceOf(SetupException.class)
                .hasMessageContaining("No Kafka broker answered at 127.0.0.1:1")
                .hasMessageContaining("--bootstrap-servers");
    }

    @Test
    void missingTopicsAreCreatedWhenTheBrokerCreatesTopics() throws Exception {
        try (LocalKafka autoCreating = LocalKafka.start(
                LocalKafka.Options.builder().autoCreateTopics(true).build())) {
            JobConfig config = JobConfig.builder()
                    .bootstrapServers(autoCreating.bootstrapServers())
                    .model(Path.of(featureModel()))
                    .topics("auto.in", "auto.out", "auto.weights", "auto.dlq")
                    .build();
            StartupChecks.check(JobSetup.resolve(config), Duration.ofSeconds(30));
            try (Admin admin = Admin.create(autoCreating.clientProperties())) {
                assertThat(admin.listTopics().names().get())
                        .contains("auto.in", "auto.out", "auto.weights", "auto.dlq");
            }
        }
    }
}
