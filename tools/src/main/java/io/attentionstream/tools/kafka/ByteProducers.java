package io.attentionstream.tools.kafka;

import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Settings of the producers that send raw records (the CLI's, the benchmark's and the tests'). */
public final class ByteProducers {
    private ByteProducers() {}

    /**
     * The client's connection settings plus byte-array serializers, idempotence and
     * {@code acks=all}: every record lands once and in order, as a replayed stream must.
     */
    public static Properties idempotent(Properties clientProps) {
        Properties props = new Properties();
        props.putAll(clientProps);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }
}
