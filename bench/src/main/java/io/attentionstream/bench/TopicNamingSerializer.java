package io.attentionstream.bench;

import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A record serializer that also names its topic, which the connector's POOLING transaction naming
 * requires (to find lingering transactions on recovery); it delegates everything else.
 */
final class TopicNamingSerializer<T> implements KafkaRecordSerializationSchema<T>, KafkaDatasetFacetProvider {
    private static final long serialVersionUID = 1L;

    private final KafkaRecordSerializationSchema<T> delegate;
    private final String topic;

    TopicNamingSerializer(KafkaRecordSerializationSchema<T> delegate, String topic) {
        this.delegate = delegate;
        this.topic = topic;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) throws Exception {
        delegate.open(context, sinkContext);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        return delegate.serialize(element, context, timestamp);
    }

    @Override
    public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
        return Optional.of(new DefaultKafkaDatasetFacet(DefaultKafkaDatasetIdentifier.ofTopics(List.of(topic))));
    }
}
