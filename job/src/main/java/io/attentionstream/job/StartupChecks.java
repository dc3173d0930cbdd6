package io.attentionstream.job;

import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.job.config.JobConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the job checks on Kafka before it consumes anything, so that a setup that cannot work
 * stops at once with one sentence instead of a job that restarts forever: the brokers answer and
 * accept the credentials, the transaction timeout fits the broker, the largest record fits the
 * producer and the broker, and the topics exist or can be created.
 */
public final class StartupChecks {
    private static final Logger LOG = LoggerFactory.getLogger(StartupChecks.class);

    static final int DEFAULT_MAX_REQUEST_SIZE = 1_048_576;
    /** Bytes of a record besides its float array: key, positions, model name and digest, framing. */
    static final int RECORD_OVERHEAD_BYTES = 512;

    private StartupChecks() {}

    public static void check(JobSetup setup, Duration timeout) {
        JobConfig o = setup.config();
        checkRecordsFitTheProducer(setup);
        Properties props = setup.kafka().toProperties();
        int timeoutMs = (int) timeout.toMillis();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        try (Admin admin = Admin.create(props)) {
            Node broker = call(admin.describeCluster().nodes(), timeout, setup).stream()
                    .findFirst()
                    .orElseThrow(() -> new SetupException("The Kafka cluster at "
                            + setup.kafka().bootstrapServers() + " has no broker: check --bootstrap-servers."));
            Map<String, String> brokerConfig = brokerConfig(admin, broker, timeout, setup);
            checkTransactionTimeout(o, brokerConfig);
            checkRecordsFitTheBroker(setup, brokerConfig);
            checkTopics(admin, o, brokerConfig, timeout, setup);
        }
        LOG.info("Startup checks passed against {}", setup.kafka().bootstrapServers());
    }

    /** The largest weights and output records this job can write, in bytes (an upper bound). */
    static long largestWeightsRecord(JobSetup.ModelFacts s, int windowSize, WeightsMode mode, boolean incremental) {
        if (mode == WeightsMode.OFF) {
            return 0;
        }
        long queryRows = mode == WeightsMode.FULL && !incremental ? windowSize : 1;
        return 4L * s.layers() * s.heads() * queryRows * windowSize + RECORD_OVERHEAD_BYTES;
    }

    static long largestOutputRecord(JobSetup.ModelFacts s, int windowSize, OutputRows rows) {
        long n = rows == OutputRows.ALL ? windowSize : 1;
        return 4L * n * s.outputDim() + RECORD_OVERHEAD_BYTES;
    }

    static void checkRecordsFitTheProducer(JobSetup setup) {
        JobConfig o = setup.config();
        long maxRequest =
                Long.parseLong(setup.kafka().get("max.request.size", Integer.toString(DEFAULT_MAX_REQUEST_SIZE)));
        long weights = largestWeightsRecord(setup.model(), o.windowSize(), o.weights(), setup.incremental());
        if (weights > maxRequest) {
            throw new SetupException("A weights record of " + setup.model().layers() + " layer"
                    + (setup.model().layers() == 1 ? "" : "s") + " × "
                    + setup.model().heads() + " heads for --window-size "
                    + o.windowSize() + " takes up to " + weights
                    + " bytes, more than the producer's max.request.size of "
                    + maxRequest + ": use --weights last-row or fewer --weights-layers (e.g. last), or raise it with"
                    + " --kafka-property max.request.size=" + weights + " (and the broker's message.max.bytes).");
        }
        long output = largestOutputRecord(setup.model(), o.windowSize(), setup.outputRows());
        if (output > maxRequest) {
            throw new SetupException("An output record for --window-size " + o.windowSize() + " takes up to " + output
                    + " bytes, more than the producer's max.request.size of " + maxRequest
                    + ": use --output-rows last, or raise it with --kafka-property max.request.size=" + output + ".");
        }
    }

    private static void checkRecordsFitTheBroker(JobSetup setup, Map<String, String> brokerConfig) {
        JobConfig o = setup.config();
        String maxMessage = brokerConfig.get("message.max.bytes");
        if (maxMessage == null) {
            return;
        }
        long limit = Long.parseLong(maxMessage);
        long largest = Math.max(
                largestWeightsRecord(setup.model(), o.windowSize(), o.weights(), setup.incremental()),
                largestOutputRecord(setup.model(), o.windowSize(), setup.outputRows()));
        if (largest > limit) {
            throw new SetupException("The job's largest record takes up to " + largest
                    + " bytes, more than the broker's message.max.bytes of " + limit
                    + ": use --weights last-row, fewer --weights-layers or --output-rows last, or raise"
                    + " message.max.bytes on the broker.");
        }
    }

    private static void checkTransactionTimeout(JobConfig o, Map<String, String> brokerConfig) {
        String max = brokerConfig.get("transaction.max.timeout.ms");
        if (max != null && o.transactionTimeoutMs() > Long.parseLong(max)) {
            throw new SetupException("--transaction-timeout-ms (" + o.transactionTimeoutMs()
                    + ") is above the broker's transaction.max.timeout.ms (" + max
                    + "): lower --transaction-timeout-ms, or raise transaction.max.timeout.ms on the broker.");
        }
    }

    private static void checkTopics(
            Admin admin, JobConfig o, Map<String, String> brokerConfig, Duration timeout, JobSetup setup) {
        Set<String> existing = call(admin.listTopics().names(), timeout, setup);
        boolean autoCreate = Boolean.parseBoolean(brokerConfig.getOrDefault("auto.create.topics.enable", "false"));
        List<NewTopic> toCreate = new ArrayList<>();
        for (String[] topic : new String[][] {
            {o.inputTopic(), "--input-topic"}, {o.outputTopic(), "--output-topic"},
            {o.weightsTopic(), "--weights-topic"}, {o.dlqTopic(), "--dlq-topic"}
        }) {
            if (existing.contains(topic[0])) {
                continue;
            }
            if (!autoCreate) {
                throw new SetupException("Topic '" + topic[0] + "' does not exist and the broker does not create topics"
                        + " (auto.create.topics.enable=false): create it, or fix " + topic[1] + ".");
            }
            toCreate.add(new NewTopic(topic[0], Optional.empty(), Optional.empty()));
        }
        if (toCreate.isEmpty()) {
            return;
        }
        try {
            admin.createTopics(toCreate).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Created topics {}", toCreate.stream().map(NewTopic::name).toList());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new SetupException(
                        "Cannot create topics "
                                + toCreate.stream().map(NewTopic::name).toList() + ": "
                                + e.getCause().getMessage() + "; create them before starting the job.",
                        e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SetupException("Interrupted while creating topics.", e);
        } catch (TimeoutException e) {
            throw new SetupException(
                    "Creating topics took longer than " + timeout.toSeconds()
                            + " s: check the brokers at --bootstrap-servers.",
                    e);
        }
    }

    private static Map<String, String> brokerConfig(Admin admin, Node broker, Duration timeout, JobSetup setup) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, broker.idString());
        Config config = call(admin.describeConfigs(List.of(resource)).all(), timeout, setup)
                .get(resource);
        Map<String, String> result = new java.util.HashMap<>();
        for (String name : List.of("transaction.max.timeout.ms", "auto.create.topics.enable", "message.max.bytes")) {
            ConfigEntry entry = config == null ? null : config.get(name);
            if (entry != null && entry.value() != null) {
                result.put(name, entry.value());
            }
        }
        return result;
    }

    private static <T> T call(org.apache.kafka.common.KafkaFuture<T> future, Duration timeout, JobSetup setup) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AuthenticationException) {
                throw new SetupException(
                        "Kafka at " + setup.kafka().bootstrapServers()
                                + " refused the credentials ("
                                + cause.getClass().getSimpleName()
                                + "): check the SASL/SSL settings given with --kafka-property or --kafka-config.",
                        cause);
            }
            if (cause instanceof AuthorizationException) {
                throw new SetupException(
                        "Kafka at " + setup.kafka().bootstrapServers() + " denied the job's principal ("
                                + cause.getMessage() + "): grant it access to the topics and transactional ids.",
                        cause);
            }
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw noAnswer(setup, timeout, cause);
            }
            throw new SetupException(
                    "Kafka at " + setup.kafka().bootstrapServers() + " failed a startup check: " + cause.getMessage(),
                    cause);
        } catch (TimeoutException e) {
            throw noAnswer(setup, timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SetupException("Interrupted while checking Kafka.", e);
        }
    }

    private static SetupException noAnswer(JobSetup setup, Duration timeout, Throwable cause) {
        return new SetupException(
                "No Kafka broker answered at " + setup.kafka().bootstrapServers() + " within " + timeout.toSeconds()
                        + " s: check --bootstrap-servers and the security settings.",
                cause);
    }
}
