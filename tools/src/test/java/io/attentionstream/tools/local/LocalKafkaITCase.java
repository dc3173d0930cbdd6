package io.attentionstream.tools.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.attentionstream.job.kafka.KafkaTopics;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The in-process broker over real TCP: transactions, settings, loopback, restart, cleanup. */
class LocalKafkaITCase {
    private static final long TRANSACTION_MAX_TIMEOUT_MS = 120_000L;
    private static final Duration READ_DEADLINE = Duration.ofSeconds(30);

    private static LocalKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = LocalKafka.start(LocalKafka.Options.builder()
                .transactionMaxTimeoutMs(TRANSACTION_MAX_TIMEOUT_MS)
                .build());
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void readCommittedSeesCommittedTransactionsOnly() throws Exception {
        String topic = "transactions-" + UUID.randomUUID();
        kafka.createTopics(3, topic);

        try (KafkaProducer<String, String> producer = transactionalProducer(kafka.clientProperties())) {
            producer.initTransactions();
            sendInTransaction(producer, topic, "committed", 12);
            producer.commitTransaction();
            sendInTransaction(producer, topic, "aborted", 5);
            producer.flush();
            producer.abortTransaction();
        }
        assertThat(logEndOffsets(topic))
                .as("the aborted records are in the log")
                .isGreaterThanOrEqualTo(12 + 5);

        List<ConsumerRecord<byte[], byte[]>> records =
                KafkaTopics.readCommitted(kafka.clientProperties(), topic, READ_DEADLINE);

        assertThat(records)
                .map(r -> new String(r.value(), UTF_8))
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.range(0, 12).mapToObj(i -> "committed-" + i).toList());
        assertThat(records.stream().map(ConsumerRecord::partition).distinct())
                .as("partitions read")
                .hasSizeGreaterThan(1);
    }

    @Test
    void readCommittedOfAnEmptyTopicReturnsAtOnce() {
        String topic = "empty-" + UUID.randomUUID();
        kafka.createTopics(2, topic);

        assertThat(KafkaTopics.readCommitted(kafka.clientProperties(), topic, READ_DEADLINE))
                .isEmpty();
    }

    @Test
    void readCommittedGivesUpAtTheDeadline() {
        String topic = "deadline-" + UUID.randomUUID();
        kafka.createTopics(1, topic);
        commitRecords(kafka.clientProperties(), topic, "committed", 3);

        assertThatThrownBy(() -> KafkaTopics.readCommitted(kafka.clientProperties(), topic, Duration.ofNanos(1)))
                .isInstanceOf(KafkaException.class)
                .hasMessageContaining(topic);
    }

    @Test
    void readCommittedOfAMissingTopicSaysSo() {
        assertThatThrownBy(() -> KafkaTopics.readCommitted(kafka.clientProperties(), "no-such-topic", READ_DEADLINE))
                .isInstanceOf(KafkaException.class)
                .hasMessageContaining("no-such-topic does not exist");
    }

    @Test
    void createTopicsIsIdempotent() throws Exception {
        String topic = "twice-" + UUID.randomUUID();
        kafka.createTopics(3, topic);
        kafka.createTopics(5, topic);

        try (Admin admin = Admin.create(kafka.clientProperties())) {
            int partitions = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()
                    .size();
            assertThat(partitions).isEqualTo(3);
        }
    }

    @Test
    void brokerConfigShowsTheConfiguredSettings() {
        Map<String, String> config = KafkaTopics.brokerConfig(
                kafka.clientProperties(),
                "transaction.max.timeout.ms",
                "auto.create.topics.enable",
                "transaction.state.log.replication.factor",
                "transaction.state.log.min.isr",
                "offsets.topic.replication.factor",
                "group.initial.rebalance.delay.ms");

        assertThat(config)
                .containsExactly(
                        Map.entry("transaction.max.timeout.ms", Long.toString(TRANSACTION_MAX_TIMEOUT_MS)),
                        Map.entry("auto.create.topics.enable", "false"),
                        Map.entry("transaction.state.log.replication.factor", "1"),
                        Map.entry("transaction.state.log.min.isr", "1"),
                        Map.entry("offsets.topic.replication.factor", "1"),
                        Map.entry("group.initial.rebalance.delay.ms", "0"));
    }

    @Test
    void brokerConfigRejectsAnUnknownSetting() {
        assertThatThrownBy(() -> KafkaTopics.brokerConfig(kafka.clientProperties(), "no.such.setting"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no.such.setting");
    }

    @Test
    void producingToAnUnknownTopicDoesNotCreateIt() throws Exception {
        String topic = "typo-" + UUID.randomUUID();
        Properties props = kafka.clientProperties();
        props.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1500");

        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() ->
                            producer.send(new ProducerRecord<>(topic, "k", "v")).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
        }
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            assertThat(admin.listTopics().names().get()).doesNotContain(topic);
        }
    }

    @Test
    void autoCreateTopicsCanBeTurnedOn() throws Exception {
        try (LocalKafka autoCreating = LocalKafka.start(
                        LocalKafka.Options.builder().autoCreateTopics(true).build());
                KafkaProducer<String, String> producer = new KafkaProducer<>(
                        autoCreating.clientProperties(), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("made-on-first-use", "k", "v")).get(30, TimeUnit.SECONDS);

            assertThat(KafkaTopics.brokerConfig(autoCreating.clientProperties(), "auto.create.topics.enable"))
                    .containsEntry("auto.create.topics.enable", "true");
            assertThat(KafkaTopics.readCommitted(autoCreating.clientProperties(), "made-on-first-use", READ_DEADLINE))
                    .hasSize(1);
        }
    }

    @Test
    void listensOnLoopbackOnly() throws IOException {
        int port = Integer.parseInt(
                kafka.bootstrapServers().substring(kafka.bootstrapServers().lastIndexOf(':') + 1));
        assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
        Optional<InetAddress> otherAddress = nonLoopbackAddress();
        assumeTrue(otherAddress.isPresent(), "this machine has no non-loopback IPv4 address to try");

        try (Socket socket = new Socket()) {
            assertThatThrownBy(() -> socket.connect(new InetSocketAddress(otherAddress.get(), port), 2_000))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void stopAndRestartKeepTheAddressAndTheData() throws Exception {
        // A short broker session lets the controller take the restarted broker back within seconds.
        LocalKafka.Options quickRestart = LocalKafka.Options.builder()
                .brokerProperty("broker.session.timeout.ms", "2000")
                .brokerProperty("broker.heartbeat.interval.ms", "500")
                .build();
        try (LocalKafka restartable = LocalKafka.start(quickRestart)) {
            String topic = "survives-" + UUID.randomUUID();
            String bootstrap = restartable.bootstrapServers();
            restartable.createTopics(2, topic);
            commitRecords(restartable.clientProperties(), topic, "before", 4);

            restartable.stopBroker();
            assertThatThrownBy(() -> describeCluster(restartable.clientProperties()))
                    .hasRootCauseInstanceOf(TimeoutException.class);

            restartable.restartBroker();
            assertThat(restartable.bootstrapServers()).isEqualTo(bootstrap);
            commitRecords(restartable.clientProperties(), topic, "after", 3);

            assertThat(KafkaTopics.readCommitted(restartable.clientProperties(), topic, READ_DEADLINE))
                    .map(r -> new String(r.value(), UTF_8))
                    .containsExactlyInAnyOrder(
                            "before-0", "before-1", "before-2", "before-3", "after-0", "after-1", "after-2");
        }
    }

    @Test
    void closeDeletesTheDataDirectory() {
        LocalKafka shortLived = LocalKafka.start();
        Path data = shortLived.dataDirectory();
        assertThat(data).isDirectory();

        shortLived.close();

        assertThat(Files.exists(data)).isFalse();
        assertThatThrownBy(shortLived::stopBroker).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void optionsRejectSettingsLocalKafkaOwns() {
        assertThatThrownBy(() -> LocalKafka.Options.builder().brokerProperty("listeners", "PLAINTEXT://0.0.0.0:9092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listeners");
        assertThatThrownBy(() -> LocalKafka.Options.builder().transactionMaxTimeoutMs(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static KafkaProducer<String, String> transactionalProducer(Properties clientProps) {
        Properties props = new Properties();
        props.putAll(clientProps);
        props.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "local-kafka-it-" + UUID.randomUUID());
        props.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** Begins a transaction and sends {@code count} records in it; the caller commits or aborts. */
    private static void sendInTransaction(
            KafkaProducer<String, String> producer, String topic, String prefix, int count) {
        producer.beginTransaction();
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(topic, "key-" + i, prefix + "-" + i));
        }
    }

    private static void commitRecords(Properties clientProps, String topic, String prefix, int count) {
        try (KafkaProducer<String, String> producer = transactionalProducer(clientProps)) {
            producer.initTransactions();
            sendInTransaction(producer, topic, prefix, count);
            producer.commitTransaction();
        }
    }

    /** Sum of the topic's log end offsets: records of every transaction, committed or not, plus markers. */
    private static long logEndOffsets(String topic) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()
                    .forEach(p -> partitions.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(partitions).all().get().values().stream()
                    .mapToLong(ListOffsetsResultInfo::offset)
                    .sum();
        }
    }

    private static void describeCluster(Properties clientProps) throws Exception {
        Properties props = new Properties();
        props.putAll(clientProps);
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "1000");
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().nodes().get();
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address) {
                    return Optional.of(address);
                }
            }
        }
        return Optional.empty();
    }
}
