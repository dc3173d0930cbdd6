package io.attentionstream.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.window.Event;
import io.attentionstream.job.AttentionJob;
import io.attentionstream.job.JobSetup;
import io.attentionstream.job.StartupChecks;
import io.attentionstream.job.config.JobConfig;
import io.attentionstream.job.kafka.KafkaTopics;
import io.attentionstream.tools.cli.AttentionStreamCli;
import io.attentionstream.tools.demo.SampleStream;
import io.attentionstream.tools.kafka.AvroRecords;
import io.attentionstream.tools.local.LocalKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A broker with a SASL/PLAIN listener: a wrong password stops the job at start with one sentence,
 * the right one runs the whole job through SASL, and neither password ever appears in a log line
 * or in what the CLI prints. It needs a broker of its own (with a SASL listener); the job runs on
 * the shared MiniCluster.
 */
@ExtendWith(SharedHarness.class)
class CredentialsITCase {
    private static final String USER = "alice";
    private static final String PASSWORD = "s3cret-Pa55-alice-7391";
    private static final String WRONG = "wr0ng-Pa55-alice-2468";

    private static LocalKafka kafka;

    @BeforeAll
    static void start() {
        kafka = LocalKafka.start(
                LocalKafka.Options.builder().saslPlainUser(USER, PASSWORD).build());
        kafka.createTopics(2, "creds.input", "creds.output", "creds.weights", "creds.dlq");
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static List<String> args(String password) {
        return List.of(
                "--bootstrap-servers",
                kafka.saslBootstrapServers(),
                "--kafka-property",
                "security.protocol=SASL_PLAINTEXT",
                "--kafka-property",
                "sasl.mechanism=PLAIN",
                "--kafka-property",
                "sasl.jaas.config=" + jaasConfig(password),
                "--input-topic",
                "creds.input",
                "--output-topic",
                "creds.output",
                "--weights-topic",
                "creds.weights",
                "--dlq-topic",
                "creds.dlq",
                "--model",
                PipelineTestBase.model("feature_attention").toString(),
                "--window-size",
                "4",
                "--stride",
                "4",
                "--checkpoint-interval-ms",
                "300",
                "--bounded");
    }

    private static String jaasConfig(String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + USER + "\" password=\""
                + password + "\";";
    }

    @Test
    void wrongPasswordIsReportedAndNeverLogged() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        String logs;
        try (LogCapture capture = new LogCapture()) {
            List<String> all = new ArrayList<>(List.of("run"));
            all.addAll(args(WRONG));
            code = AttentionStreamCli.execute(
                    new PrintWriter(out), new PrintWriter(err, true), all.toArray(new String[0]));
            logs = capture.text();
        }
        assertThat(code).isEqualTo(AttentionStreamCli.EXIT_SETUP);
        assertThat(err.toString().strip())
                .contains("refused the credentials")
                .contains("--kafka-property")
                .doesNotContain("\n");
        assertThat(logs).as("logs were captured").isNotEmpty();
        assertThat(logs + out + err).doesNotContain(WRONG).doesNotContain(PASSWORD);
    }

    @Test
    void rightPasswordRunsTheWholeJobThroughSasl() throws Exception {
        List<Event> events =
                Streams.endingEveryKey(new SampleStream(InputKind.FEATURES, 2, 8, 64, 1000, 0, 9).events());
        Properties sasl = new Properties();
        sasl.putAll(kafka.clientProperties());
        String logs;
        try (LogCapture capture = new LogCapture()) {
            io.attentionstream.tools.cli.ProduceCommand.send(
                    kafka.clientProperties(), "creds.input", Streams.records(events), 0);
            JobConfig config = JobConfig.builder()
                    .bootstrapServers(kafka.saslBootstrapServers())
                    .kafkaProperty("security.protocol", "SASL_PLAINTEXT")
                    .kafkaProperty("sasl.mechanism", "PLAIN")
                    .kafkaProperty("sasl.jaas.config", jaasConfig(PASSWORD))
                    .topics("creds.input", "creds.output", "creds.weights", "creds.dlq")
                    .model(PipelineTestBase.model("feature_attention"))
                    .windowSize(4)
                    .stride(4)
                    .checkpointIntervalMs(300)
                    .bounded(true)
                    .build();
            JobSetup setup = JobSetup.resolve(config);
            StartupChecks.check(setup, Duration.ofSeconds(30));
            AttentionJob.kafka(setup).execute(PipelineTestBase.environment(1));
            logs = capture.text();
        }
        List<ConsumerRecord<byte[], byte[]>> outputs =
                KafkaTopics.readCommitted(kafka.clientProperties(), "creds.output", Duration.ofSeconds(30));
        assertThat(outputs).hasSize(ReferenceWindows.of(events, 4, 4).size());
        assertThat(AvroRecords.decode(outputs.get(0).value(), AttentionOutput.class)
                        .getModel())
                .isEqualTo("feature_attention");
        assertThat(logs).as("logs were captured").contains("Startup checks passed");
        assertThat(logs)
                .as("the clients' config dumps, where a leaked password would show, were captured")
                .contains("sasl.jaas.config = [hidden]");
        assertThat(logs).doesNotContain(PASSWORD);
    }
}
