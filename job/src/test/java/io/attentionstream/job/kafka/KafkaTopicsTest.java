package io.attentionstream.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The read-to-end logic of {@link KafkaTopics#readCommitted} on a MockConsumer, and argument checks. */
class KafkaTopicsTest {
    private static final String TOPIC = "attention.output";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    @Test
    void readsEveryPartitionUpToTheEndOffsetsTakenAtTheStart() {
        MockConsumer<byte[], byte[]> consumer = consumerWithEnds(Map.of(P0, 2L, P1, 1L));
        consumer.schedulePollTask(() -> {
            consumer.addRecord(record(P0, 0, "a"));
            consumer.addRecord(record(P1, 0, "b"));
            consumer.addRecord(record(P0, 1, "c"));
            consumer.addRecord(record(P0, 2, "written after the call began"));
        });

        List<ConsumerRecord<byte[], byte[]>> records = KafkaTopics.readToEnd(consumer, TOPIC, Duration.ofSeconds(5));

        assertThat(records)
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("a", "c", "b");
    }

    @Test
    void anEmptyTopicNeedsNoPoll() {
        MockConsumer<byte[], byte[]> consumer = consumerWithEnds(Map.of(P0, 0L, P1, 0L));

        assertThat(KafkaTopics.readToEnd(consumer, TOPIC, Duration.ofSeconds(5)))
                .isEmpty();
    }

    @Test
    void timeoutSaysHowManyRecordsCameOfHowMany() {
        MockConsumer<byte[], byte[]> consumer = consumerWithEnds(Map.of(P0, 4L, P1, 0L));
        consumer.schedulePollTask(() -> {
            consumer.addRecord(record(P0, 0, "a"));
            consumer.addRecord(record(P0, 1, "b"));
        });

        assertThatThrownBy(() -> KafkaTopics.readToEnd(consumer, TOPIC, Duration.ofMillis(200)))
                .isInstanceOf(KafkaException.class)
                .hasMessageContaining("Read 2 committed records of at most 4 expected from attention.output")
                .hasMessageContaining("0 at offset 2 of 4");
    }

    @Test
    void aMissingTopicIsNamed() {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

        assertThatThrownBy(() -> KafkaTopics.readToEnd(consumer, "nope", Duration.ofSeconds(1)))
                .isInstanceOf(KafkaException.class)
                .hasMessage("Topic nope does not exist: create it first or check the topic name.");
    }

    @Test
    void argumentsAreChecked() {
        Properties noBootstrap = new Properties();
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", "127.0.0.1:1");

        assertThatThrownBy(() -> KafkaTopics.readCommitted(noBootstrap, TOPIC, Duration.ofSeconds(1)))
                .hasMessageContaining("bootstrap.servers");
        assertThatThrownBy(() -> KafkaTopics.readCommitted(props, " ", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KafkaTopics.readCommitted(props, TOPIC, Duration.ZERO))
                .hasMessageContaining("deadline");
        assertThatThrownBy(() -> KafkaTopics.ensureTopics(props, 0, (short) 1, List.of(TOPIC)))
                .hasMessageContaining("partitions");
        assertThatThrownBy(() -> KafkaTopics.ensureTopics(props, 1, (short) 0, List.of(TOPIC)))
                .hasMessageContaining("replication");
        assertThatThrownBy(() -> KafkaTopics.ensureTopics(props, 1, (short) 1, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KafkaTopics.brokerConfig(props)).isInstanceOf(IllegalArgumentException.class);
    }

    private static MockConsumer<byte[], byte[]> consumerWithEnds(Map<TopicPartition, Long> endOffsets) {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        Node node = new Node(0, "localhost", 9092);
        consumer.updatePartitions(
                TOPIC,
                endOffsets.keySet().stream()
                        .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
                        .map(tp -> new PartitionInfo(TOPIC, tp.partition(), node, new Node[] {node}, new Node[] {node}))
                        .toList());
        consumer.updateBeginningOffsets(endOffsets.keySet().stream().collect(Collectors.toMap(tp -> tp, tp -> 0L)));
        consumer.updateEndOffsets(endOffsets);
        return consumer;
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition tp, long offset, String value) {
        return new ConsumerRecord<>(
                tp.topic(), tp.partition(), offset, new byte[0], value.getBytes(StandardCharsets.UTF_8));
    }
}
