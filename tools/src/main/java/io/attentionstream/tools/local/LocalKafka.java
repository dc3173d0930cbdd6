package io.attentionstream.tools.local;

import io.attentionstream.job.kafka.KafkaTopics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in this JVM for the local run and the tests: one KRaft node acting as
 * broker and controller, built with Kafka's own {@link KafkaClusterTestKit}. It listens on
 * 127.0.0.1 only, on ephemeral ports, keeps its data in a temporary directory deleted on
 * {@link #close()}, and is set up for transactions on a single node.
 *
 * <p>Needs {@code kafka_2.13} and {@code kafka-test-common-runtime} on the class path; the job jar
 * leaves them out, so this class is for {@code demo} and tests, never for a cluster.
 */
public final class LocalKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalKafka.class);

    private static final int TOPIC_REPLICATION = 1;

    private final KafkaClusterTestKit cluster;
    private final Path dataDirectory;
    private final String bootstrapServers;
    private final String saslBootstrapServers;
    /** Deletes the data directory if the JVM exits without close(), e.g. on Ctrl-C during the demo. */
    private final Thread deleteOnExit;

    private boolean closed;

    private LocalKafka(
            KafkaClusterTestKit cluster, Path dataDirectory, String bootstrapServers, String saslBootstrapServers) {
        this.cluster = cluster;
        this.dataDirectory = dataDirectory;
        this.bootstrapServers = bootstrapServers;
        this.saslBootstrapServers = saslBootstrapServers;
        this.deleteOnExit = new Thread(() -> deleteQuietly(dataDirectory), "local-kafka-cleanup");
        Runtime.getRuntime().addShutdownHook(deleteOnExit);
    }

    /** Starts a broker with the default {@link Options}. */
    public static LocalKafka start() {
        return start(Options.builder().build());
    }

    /** Starts a broker and returns once it accepts clients. */
    public static LocalKafka start(Options options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null: use LocalKafka.start() for the defaults.");
        }
        long startNanos = System.nanoTime();
        Path dataDirectory = createDataDirectory();
        try {
            KafkaClusterTestKit cluster =
                    LoopbackKraftCluster.start(dataDirectory, brokerConfig(options), options.saslUsers());
            String bootstrap = LoopbackKraftCluster.LOOPBACK + ":" + LoopbackKraftCluster.brokerPort(cluster);
            String sasl = options.saslUsers().isEmpty()
                    ? null
                    : LoopbackKraftCluster.LOOPBACK + ":" + LoopbackKraftCluster.saslPort(cluster);
            LOG.info(
                    "Local Kafka broker (KRaft, 1 node) ready at {} in {} ms; data in {}",
                    bootstrap,
                    (System.nanoTime() - startNanos) / 1_000_000,
                    dataDirectory);
            return new LocalKafka(cluster, dataDirectory, bootstrap, sasl);
        } catch (Exception e) {
            deleteQuietly(dataDirectory);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("The local Kafka broker did not start: " + e.getMessage(), e);
        }
    }

    /** host:port of the broker, for {@code bootstrap.servers}; stays the same across {@link #restartBroker()}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * host:port of the SASL_PLAINTEXT (mechanism PLAIN) listener, when {@link Options.Builder#saslPlainUser}
     * added users.
     */
    public String saslBootstrapServers() {
        if (saslBootstrapServers == null) {
            throw new IllegalStateException(
                    "This broker has no SASL listener: add a user with Options.Builder.saslPlainUser.");
        }
        return saslBootstrapServers;
    }

    /** A fresh copy of what a Kafka client needs to reach this broker. */
    public Properties clientProperties() {
        Properties properties = new Properties();
        properties.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
        return properties;
    }

    /** The temporary directory holding the broker's logs and metadata; deleted on {@link #close()}. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Creates the topics that do not exist yet and returns once each partition has a leader. */
    public void createTopics(int partitions, String... topics) {
        if (topics == null || topics.length == 0) {
            throw new IllegalArgumentException("Name at least one topic to create.");
        }
        KafkaTopics.ensureTopics(clientProperties(), partitions, (short) TOPIC_REPLICATION, Arrays.asList(topics));
    }

    /**
     * Shuts the broker down while its controller stays up, as in a broker outage: clients lose
     * their connections, data and metadata stay. {@link #restartBroker()} brings it back.
     */
    public void stopBroker() {
        checkOpen();
        LOG.info("Stopping the local Kafka broker at {}", bootstrapServers);
        LoopbackKraftCluster.broker(cluster).shutdown();
    }

    /**
     * Starts the broker again on the same port after {@link #stopBroker()} and waits until it serves.
     * The controller takes the broker back only once its old session has expired, so this returns
     * up to {@code broker.session.timeout.ms} (Kafka's default: 9 s) after {@link #stopBroker()};
     * tests can lower it with {@link Options.Builder#brokerProperty}.
     */
    public void restartBroker() {
        checkOpen();
        BrokerServer broker = LoopbackKraftCluster.broker(cluster);
        if (!broker.isShutdown()) {
            throw new IllegalStateException(
                    "The local Kafka broker is running: call stopBroker() before restartBroker().");
        }
        LOG.info("Restarting the local Kafka broker at {}", bootstrapServers);
        try {
            // The test kit rebinds a restarted listener to its first port, so bootstrapServers() stays valid.
            broker.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("The local Kafka broker did not restart: " + e.getMessage(), e);
        }
    }

    /** Stops broker and controller and deletes the data directory. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            cluster.close();
            LOG.info("Local Kafka broker at {} stopped", bootstrapServers);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("The local Kafka broker did not shut down cleanly: " + e.getMessage(), e);
        } finally {
            deleteQuietly(dataDirectory);
            removeShutdownHook();
        }
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(deleteOnExit);
        } catch (IllegalStateException e) {
            // The JVM is already exiting: the hook runs anyway and finds nothing left to delete.
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(
                    "The local Kafka broker is closed: start a new one with LocalKafka.start().");
        }
    }

    /** The settings a one-node cluster needs to run transactions and consumer groups. */
    private static Map<String, String> brokerConfig(Options options) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("offsets.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        // One node gains nothing from 50 coordinator partitions; fewer make the first transaction
        // and the first consumer group start faster.
        config.put("transaction.state.log.num.partitions", "4");
        config.put("offsets.topic.num.partitions", "4");
        config.put("group.initial.rebalance.delay.ms", "0");
        // Keep every record: outputs carry their events' time as Kafka timestamp, and the sample
        // streams' event time lies in the past, so time-based retention would delete fresh results.
        config.put("log.retention.ms", "-1");
        config.put("auto.create.topics.enable", Boolean.toString(options.autoCreateTopics()));
        config.put("transaction.max.timeout.ms", Long.toString(options.transactionMaxTimeoutMs()));
        // The test kit turns unreleased APIs and features on; a local run should behave like a released broker.
        config.put("unstable.api.versions.enable", "false");
        config.put("unstable.feature.versions.enable", "false");
        config.putAll(options.brokerProperties());
        return config;
    }

    private static Path createDataDirectory() {
        try {
            return Files.createTempDirectory("attention-stream-kafka-");
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot create a temporary directory for the local Kafka broker: " + "check that java.io.tmpdir ("
                            + System.getProperty("java.io.tmpdir") + ") is writable.",
                    e);
        }
    }

    private static void deleteQuietly(Path directory) {
        try {
            Utils.delete(directory.toFile());
        } catch (IOException e) {
            LOG.warn("Could not delete the local Kafka data directory {}", directory, e);
        }
    }

    /** How to set up the local broker. */
    public static final class Options {
        /** Kafka's own default for {@code transaction.max.timeout.ms} (15 minutes). */
        public static final long DEFAULT_TRANSACTION_MAX_TIMEOUT_MS = 900_000L;

        /** Settings LocalKafka owns: changing them would break loopback-only or the one-node layout. */
        private static final Set<String> RESERVED = Set.of(
                "listeners",
                "advertised.listeners",
                "listener.security.protocol.map",
                "inter.broker.listener.name",
                "controller.listener.names",
                "controller.quorum.voters",
                "controller.quorum.bootstrap.servers",
                "process.roles",
                "node.id",
                "broker.id",
                "log.dirs",
                "log.dir",
                "metadata.log.dir");

        private final boolean autoCreateTopics;
        private final long transactionMaxTimeoutMs;
        private final Map<String, String> brokerProperties;
        private final Map<String, String> saslUsers;

        private Options(Builder builder) {
            this.autoCreateTopics = builder.autoCreateTopics;
            this.transactionMaxTimeoutMs = builder.transactionMaxTimeoutMs;
            this.brokerProperties = Map.copyOf(builder.brokerProperties);
            this.saslUsers = Map.copyOf(builder.saslUsers);
        }

        /** PLAIN users (name → password) of the SASL listener; none means no SASL listener. */
        public Map<String, String> saslUsers() {
            return saslUsers;
        }

        public static Builder builder() {
            return new Builder();
        }

        public boolean autoCreateTopics() {
            return autoCreateTopics;
        }

        public long transactionMaxTimeoutMs() {
            return transactionMaxTimeoutMs;
        }

        /** Extra broker settings, applied last. */
        public Map<String, String> brokerProperties() {
            return brokerProperties;
        }

        /** Builds {@link Options}; every setting is optional. */
        public static final class Builder {
            private boolean autoCreateTopics;
            private long transactionMaxTimeoutMs = DEFAULT_TRANSACTION_MAX_TIMEOUT_MS;
            private final Map<String, String> brokerProperties = new LinkedHashMap<>();
            private final Map<String, String> saslUsers = new LinkedHashMap<>();

            private Builder() {}

            /** Adds a SASL_PLAINTEXT listener (mechanism PLAIN) that accepts this user, beside the plaintext one. */
            public Builder saslPlainUser(String user, String password) {
                if (user == null || !user.matches("[A-Za-z0-9_-]+") || password == null || password.contains("\"")) {
                    throw new IllegalArgumentException(
                            "A SASL user needs a name of letters, digits, _ or - and a password without quotes.");
                }
                saslUsers.put(user, password);
                return this;
            }

            /** {@code auto.create.topics.enable}; off by default so a misspelt topic fails instead of appearing. */
            public Builder autoCreateTopics(boolean autoCreateTopics) {
                this.autoCreateTopics = autoCreateTopics;
                return this;
            }

            /** {@code transaction.max.timeout.ms}: the longest transaction timeout a producer may ask for. */
            public Builder transactionMaxTimeoutMs(long transactionMaxTimeoutMs) {
                if (transactionMaxTimeoutMs < 1) {
                    throw new IllegalArgumentException(
                            "transactionMaxTimeoutMs must be at least 1 ms, got " + transactionMaxTimeoutMs + ".");
                }
                this.transactionMaxTimeoutMs = transactionMaxTimeoutMs;
                return this;
            }

            /** One more broker setting, e.g. {@code log.retention.ms}; it wins over LocalKafka's own. */
            public Builder brokerProperty(String name, String value) {
                if (name == null || name.isBlank()) {
                    throw new IllegalArgumentException("A broker property needs a name.");
                }
                if (value == null) {
                    throw new IllegalArgumentException("Broker property " + name + " needs a value.");
                }
                if (RESERVED.contains(name.trim())) {
                    throw new IllegalArgumentException("Broker property " + name
                            + " is set by LocalKafka (loopback listeners, one KRaft node): leave it out.");
                }
                brokerProperties.put(name.trim(), value);
                return this;
            }

            /** Several broker settings at once; see {@link #brokerProperty(String, String)}. */
            public Builder brokerProperties(Map<String, String> properties) {
                if (properties == null) {
                    throw new IllegalArgumentException(
                            "brokerProperties must not be null: pass an empty map for none.");
                }
                properties.forEach(this::brokerProperty);
                return this;
            }

            public Options build() {
                return new Options(this);
            }
        }
    }
}
