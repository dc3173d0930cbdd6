package io.attentionstream.tools.local;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.ServerSocketFactory;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bends Kafka's {@link KafkaClusterTestKit} into what {@link LocalKafka} needs: one combined
 * broker+controller node, listening on 127.0.0.1 only, at a released broker's metadata version,
 * printing nothing to standard output. Kept apart because it leans on how the test kit works
 * inside (kafka-test-common-runtime 4.2); see the comments on each step.
 */
final class LoopbackKraftCluster {
    private static final Logger LOG = LoggerFactory.getLogger(LoopbackKraftCluster.class);

    static final String LOOPBACK = "127.0.0.1";
    /** The optional SASL/PLAIN listener, for tests of credentials. */
    static final String SASL_LISTENER = "SASL";

    private LoopbackKraftCluster() {}

    /** Builds, formats and starts the node; returns once the broker has registered and serves. */
    static KafkaClusterTestKit start(Path dataDirectory, Map<String, String> brokerConfig) throws Exception {
        return start(dataDirectory, brokerConfig, Map.of());
    }

    /**
     * Like {@link #start(Path, Map)}, plus a SASL_PLAINTEXT listener with PLAIN users when
     * {@code saslUsers} (user → password) is not empty. The broker's own connections stay on its
     * plaintext listener.
     */
    static KafkaClusterTestKit start(
            Path dataDirectory, Map<String, String> brokerConfig, Map<String, String> saslUsers) throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder(releasedMetadata())
                .setCombined(true)
                .setNumControllerNodes(1)
                .setNumBrokerNodes(1)
                .setBaseDirectory(dataDirectory)
                .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        String broker = nodes.brokerListenerName().value();
        String controller = nodes.controllerListenerName().value();
        String listeners = String.format("%s://%s:0,%s://%s:0", broker, LOOPBACK, controller, LOOPBACK);
        if (!saslUsers.isEmpty()) {
            listeners += String.format(",%s://%s:0", SASL_LISTENER, LOOPBACK);
            builder.setConfigProp(
                    "listener.security.protocol.map",
                    broker + ":PLAINTEXT," + controller + ":PLAINTEXT," + SASL_LISTENER + ":SASL_PLAINTEXT");
            builder.setConfigProp("sasl.enabled.mechanisms", "PLAIN");
            StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
            saslUsers.forEach((user, password) -> jaas.append(" user_")
                    .append(user)
                    .append("=\"")
                    .append(password)
                    .append('"'));
            builder.setConfigProp(
                    "listener.name." + SASL_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".plain.sasl.jaas.config",
                    jaas.append(';').toString());
        }
        builder.setConfigProp("listeners", listeners);
        brokerConfig.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        try {
            moveListenersToLoopback(cluster);
            format(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();
            return cluster;
        } catch (Exception e) {
            try {
                cluster.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    static BrokerServer broker(KafkaClusterTestKit cluster) {
        return cluster.brokers().values().iterator().next();
    }

    /** The port clients connect to; the same after a broker restart. */
    static int brokerPort(KafkaClusterTestKit cluster) {
        return broker(cluster)
                .boundPort(ListenerName.normalised(
                        cluster.nodes().brokerListenerName().value()));
    }

    /** The port of the SASL listener. */
    static int saslPort(KafkaClusterTestKit cluster) {
        return broker(cluster).boundPort(ListenerName.normalised(SASL_LISTENER));
    }

    /** Metadata version and feature levels of a released broker; the test kit defaults to unreleased ones. */
    private static BootstrapMetadata releasedMetadata() {
        MetadataVersion version = MetadataVersion.latestProduction();
        Map<String, Short> features = Feature.PRODUCTION_FEATURES.stream()
                .collect(Collectors.toMap(
                        Feature::featureName, f -> f.defaultLevel(version), (a, b) -> a, TreeMap::new));
        return BootstrapMetadata.fromVersions(version, features, "attention-stream local broker");
    }

    /**
     * The test kit binds each listener's port up front on all interfaces (0.0.0.0) and hands those
     * sockets to the servers. Closing them before startup keeps the ports reserved in the kit, which
     * then binds each listener again on that same port at its configured host, 127.0.0.1 (the path
     * it takes when a restarted server reopens its port), so nothing is reachable from other machines.
     */
    private static void moveListenersToLoopback(KafkaClusterTestKit cluster) throws Exception {
        ServerSocketFactory sockets = broker(cluster).sharedServer().socketFactory();
        InetSocketAddress loopback = new InetSocketAddress(LOOPBACK, 0);
        for (String listener : List.of(
                cluster.nodes().brokerListenerName().value(),
                cluster.nodes().controllerListenerName().value())) {
            sockets.openServerSocket(listener, loopback, -1, -1).close();
        }
    }

    /**
     * Writes meta.properties and the bootstrap checkpoint, as the test kit's own format() does for a
     * combined node, but with Kafka's formatter printing to the log instead of standard output.
     */
    private static void format(KafkaClusterTestKit cluster) throws Exception {
        ControllerServer controller = cluster.controllers().values().iterator().next();
        MetaPropertiesEnsemble ensemble = controller.sharedServer().metaPropsEnsemble();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(output, true, UTF_8)) {
            new Formatter()
                    .setPrintStream(print)
                    .setNodeId(ensemble.nodeId().getAsInt())
                    .setClusterId(ensemble.clusterId().orElseThrow())
                    .setDirectories(ensemble.logDirProps().keySet())
                    .setMetadataLogDirectory(ensemble.metadataLogDir().orElseThrow())
                    .setReleaseVersion(cluster.nodes().bootstrapMetadata().metadataVersion())
                    .setControllerListenerName(
                            cluster.nodes().controllerListenerName().value())
                    .setUnstableFeatureVersionsEnabled(false)
                    .setIgnoreFormatted(false)
                    .run();
        }
        LOG.debug(
                "Formatted the local Kafka storage: {}", output.toString(UTF_8).trim());
    }
}
