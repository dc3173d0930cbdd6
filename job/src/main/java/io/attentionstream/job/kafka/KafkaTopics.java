package io.attentionstream.job.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topic chores with plain Kafka clients: read a topic's committed records, create missing topics,
 * read broker settings. Used by the local run, the CLI and the tests; each call opens and closes
 * its own client.
 */
public final class KafkaTopics {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

    /** How long admin calls and topic creation may take before giving up. */
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
    /** Pause between checks while a new topic reaches the broker's metadata. */
    private static final Duration METADATA_RETRY_BACKOFF = Duration.ofMillis(50);

    private static final Duration MAX_POLL = Duration.ofMillis(500);

    private KafkaTopics() {}

    /**
     * Reads {@code topic} from the beginning with {@code isolation.level=read_committed}, up to the
     * end offsets it finds when called (for read_committed: the last stable offsets, so an open
     * transaction ends the read). Records come per partition in offset order.
     *
     * @throws KafkaException if the topic does not exist, or the end is not reached within {@code deadline}
     */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(
            Properties clientProps, String topic, Duration deadline) {
        checkClientProps(clientProps);
        checkName(topic, "topic");
        if (deadline == null || deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive, got " + deadline + ".");
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(committedReaderConfig(clientProps))) {
            return readToEnd(consumer, topic, deadline);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new KafkaException(
                    "Reading " + topic + " timed out after " + deadline.toMillis() + " ms waiting for the broker at "
                            + bootstrap(clientProps) + ": check that it is up.",
                    e);
        }
    }

    /** The read of {@link #readCommitted}, on a consumer set up for it (tests pass a MockConsumer). */
    static List<ConsumerRecord<byte[], byte[]>> readToEnd(
            Consumer<byte[], byte[]> consumer, String topic, Duration deadline) {
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        List<TopicPartition> partitions = partitionsOf(consumer, topic, deadline);
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> endOffsets = consumer.endOffsets(partitions, remaining(deadlineNanos));
        Map<TopicPartition, Long> startOffsets = consumer.beginningOffsets(partitions, remaining(deadlineNanos));
        // Resolves the seek now; afterwards position() answers from memory.
        partitions.forEach(tp -> consumer.position(tp, remaining(deadlineNanos)));

        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> byPartition = new LinkedHashMap<>();
        partitions.forEach(tp -> byPartition.put(tp, new ArrayList<>()));
        Set<TopicPartition> unfinished = new LinkedHashSet<>(partitions);
        while (true) {
            // Position, not record count, tells when a partition is done: aborted records and
            // transaction markers take offsets but are never returned.
            unfinished.removeIf(tp -> consumer.position(tp) >= endOffsets.get(tp));
            if (unfinished.isEmpty()) {
                break;
            }
            Duration left = remaining(deadlineNanos);
            if (left.isZero()) {
                throw notFinished(topic, deadline, byPartition, startOffsets, endOffsets, consumer, unfinished);
            }
            ConsumerRecords<byte[], byte[]> records = consumer.poll(left.compareTo(MAX_POLL) < 0 ? left : MAX_POLL);
            for (ConsumerRecord<byte[], byte[]> record : records) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (record.offset() < endOffsets.get(tp)) {
                    byPartition.get(tp).add(record);
                }
            }
        }
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        byPartition.values().forEach(all::addAll);
        LOG.debug("Read {} committed records from {} ({} partitions)", all.size(), topic, partitions.size());
        return all;
    }

    /**
     * Creates those of {@code topics} that do not exist yet and returns once every partition of
     * each has a leader, so producers and consumers can use them at once. Existing topics are left
     * as they are, whatever their partition count.
     */
    public static void ensureTopics(
            Properties clientProps, int partitions, short replication, Collection<String> topics) {
        checkClientProps(clientProps);
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions + ".");
        }
        if (replication < 1) {
            throw new IllegalArgumentException("replication must be at least 1, got " + replication + ".");
        }
        if (topics == null || topics.isEmpty()) {
            throw new IllegalArgumentException("Name at least one topic to create.");
        }
        topics.forEach(t -> checkName(t, "topic"));
        Set<String> names = new LinkedHashSet<>(topics);
        try (Admin admin = Admin.create(clientProps)) {
            List<NewTopic> newTopics = names.stream()
                    .map(t -> new NewTopic(t, partitions, replication))
                    .toList();
            List<String> created = new ArrayList<>();
            for (Map.Entry<String, KafkaFuture<Void>> result :
                    admin.createTopics(newTopics).values().entrySet()) {
                try {
                    await(result.getValue(), "create topic " + result.getKey(), clientProps);
                    created.add(result.getKey());
                } catch (KafkaException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitLeaders(admin, names, clientProps);
            if (!created.isEmpty()) {
                LOG.info("Created topics {} ({} partitions, replication {})", created, partitions, replication);
            }
        }
    }

    /**
     * The current values of the named settings of one broker of the cluster (e.g.
     * {@code transaction.max.timeout.ms}), in the order asked. A sensitive setting's value is null.
     */
    public static Map<String, String> brokerConfig(Properties clientProps, String... names) {
        checkClientProps(clientProps);
        if (names == null || names.length == 0) {
            throw new IllegalArgumentException("Name at least one broker setting to read.");
        }
        for (String name : names) {
            checkName(name, "broker setting");
        }
        try (Admin admin = Admin.create(clientProps)) {
            List<Node> nodes =
                    new ArrayList<>(await(admin.describeCluster().nodes(), "describe the cluster", clientProps));
            if (nodes.isEmpty()) {
                throw new KafkaException("The cluster at " + bootstrap(clientProps) + " reports no broker.");
            }
            ConfigResource broker =
                    new ConfigResource(ConfigResource.Type.BROKER, nodes.get(0).idString());
            Config config = await(
                    admin.describeConfigs(List.of(broker)).values().get(broker),
                    "describe broker configs",
                    clientProps);
            Map<String, String> values = new LinkedHashMap<>();
            for (String name : names) {
                ConfigEntry entry = config.get(name);
                if (entry == null) {
                    throw new IllegalArgumentException(
                            "Broker " + broker.name() + " has no setting named " + name + ".");
                }
                values.put(name, entry.value());
            }
            return values;
        }
    }

    private static Map<String, Object> committedReaderConfig(Properties clientProps) {
        Map<String, Object> config = new HashMap<>();
        clientProps.stringPropertyNames().forEach(name -> config.put(name, clientProps.getProperty(name)));
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Partitions are assigned by hand: a group would only leave committed offsets behind.
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        return config;
    }

    private static List<TopicPartition> partitionsOf(Consumer<?, ?> consumer, String topic, Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new KafkaException("Topic " + topic + " does not exist: create it first or check the topic name.");
        }
        return infos.stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
                .toList();
    }

    private static KafkaException notFinished(
            String topic,
            Duration deadline,
            Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> byPartition,
            Map<TopicPartition, Long> startOffsets,
            Map<TopicPartition, Long> endOffsets,
            Consumer<?, ?> consumer,
            Set<TopicPartition> unfinished) {
        int got = byPartition.values().stream().mapToInt(List::size).sum();
        long atMost = endOffsets.entrySet().stream()
                .mapToLong(e -> e.getValue() - startOffsets.get(e.getKey()))
                .sum();
        String behind = unfinished.stream()
                .map(tp -> tp.partition() + " at offset " + consumer.position(tp) + " of " + endOffsets.get(tp))
                .collect(Collectors.joining(", "));
        return new KafkaException("Read " + got + " committed records of at most " + atMost + " expected from "
                + topic + " within " + deadline.toMillis() + " ms; partitions not read to their end: " + behind
                + ". Raise the deadline or check that the broker is reachable.");
    }

    private static void awaitLeaders(Admin admin, Set<String> topics, Properties clientProps) {
        long deadlineNanos = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        // A topic the controller has created can take a moment to reach the broker's metadata;
        // until then describeTopics answers "unknown topic".
        while (true) {
            try {
                Map<String, TopicDescription> descriptions =
                        await(admin.describeTopics(topics).allTopicNames(), "describe topics " + topics, clientProps);
                if (descriptions.values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (KafkaException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (remaining(deadlineNanos).isZero()) {
                throw new KafkaException("Topics " + topics + " have no leader after " + ADMIN_TIMEOUT.toSeconds()
                        + " s at " + bootstrap(clientProps) + ": check the broker's logs.");
            }
            pause(METADATA_RETRY_BACKOFF);
        }
    }

    /** The future's value; a failure becomes a KafkaException whose cause is the admin call's own error. */
    private static <T> T await(KafkaFuture<T> future, String what, Properties clientProps) {
        try {
            return future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failed(what, clientProps, e.getCause());
        } catch (TimeoutException e) {
            throw failed(what, clientProps, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while trying to " + what + ".", e);
        }
    }

    private static KafkaException failed(String what, Properties clientProps, Throwable cause) {
        return new KafkaException(
                "Could not " + what + " at " + bootstrap(clientProps) + ": " + cause.getMessage(), cause);
    }

    private static void pause(Duration duration) {
        try {
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while waiting for topic metadata.", e);
        }
    }

    private static Duration remaining(long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    private static String bootstrap(Properties clientProps) {
        return clientProps.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    }

    private static void checkClientProps(Properties clientProps) {
        if (clientProps == null
                || bootstrap(clientProps) == null
                || bootstrap(clientProps).isBlank()) {
            throw new IllegalArgumentException("clientProps must set bootstrap.servers.");
        }
    }

    private static void checkName(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A " + what + " name must not be blank.");
        }
    }
}
