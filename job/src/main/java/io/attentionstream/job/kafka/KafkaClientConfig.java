package io.attentionstream.job.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The Kafka client properties a user passes (`--kafka-config FILE`, then `--kafka-property k=v`,
 * later ones winning) on top of the bootstrap servers. Given to every client the job makes, so
 * SASL and SSL work without code changes. Values may be secrets: {@link #toString()} shows keys
 * only, and nothing here logs a value.
 */
public final class KafkaClientConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String bootstrapServers;
    private final Map<String, String> properties;

    private KafkaClientConfig(String bootstrapServers, Map<String, String> properties) {
        this.bootstrapServers = bootstrapServers;
        this.properties = properties;
    }

    public static KafkaClientConfig of(String bootstrapServers, Path configFile, List<String> keyValues) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException(
                    "--bootstrap-servers is required: give the Kafka brokers as host:port[,host:port].");
        }
        Map<String, String> props = new LinkedHashMap<>();
        if (configFile != null) {
            props.putAll(readFile(configFile));
        }
        for (String kv : keyValues == null ? List.<String>of() : keyValues) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--kafka-property takes key=value, got '" + keyOnly(kv) + "'.");
            }
            props.put(kv.substring(0, eq).trim(), kv.substring(eq + 1));
        }
        props.remove("bootstrap.servers");
        return new KafkaClientConfig(bootstrapServers.trim(), props);
    }

    private static Map<String, String> readFile(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(
                    "The Kafka config file " + file.toAbsolutePath() + " does not exist: check --kafka-config.");
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "The Kafka config file " + file.toAbsolutePath() + " cannot be read: check --kafka-config.");
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            result.put(name, p.getProperty(name));
        }
        return result;
    }

    private static String keyOnly(String kv) {
        // Never echo what might be a secret value.
        int eq = kv.indexOf('=');
        return eq < 0 ? (kv.length() > 40 ? kv.substring(0, 40) + "…" : kv) : kv.substring(0, eq) + "=…";
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** A fresh copy of every client property, bootstrap servers included. */
    public Properties toProperties() {
        Properties p = new Properties();
        p.putAll(properties);
        p.setProperty("bootstrap.servers", bootstrapServers);
        return p;
    }

    /** A user-set property, or the default. */
    public String get(String name, String defaultValue) {
        return properties.getOrDefault(name, defaultValue);
    }

    /** Shows property names only: values can be passwords. */
    @Override
    public String toString() {
        return "KafkaClientConfig{bootstrap.servers=" + bootstrapServers + ", properties="
                + new TreeSet<>(properties.keySet()) + "}";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KafkaClientConfig other
                && bootstrapServers.equals(other.bootstrapServers)
                && properties.equals(other.properties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bootstrapServers, properties);
    }
}
