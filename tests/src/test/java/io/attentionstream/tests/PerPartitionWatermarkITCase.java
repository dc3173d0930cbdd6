package io.attentionstream.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.SequenceEventCodec;
import io.attentionstream.job.JobSetup;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Watermarks are per Kafka partition: a far-future event on one partition does not make the
 * in-order events of another partition LATE, even when one source subtask reads both.
 */
class PerPartitionWatermarkITCase extends PipelineTestBase {
    private static final int N = 4;
    private static final int DIM = 64;
    private static final int STEADY_EVENTS = 16;
    private static final long FAR_FUTURE = 1_000_000_000_000L;

    @Test
    void aFarFutureEventOnOnePartitionLeavesTheOtherPartitionsEventsOnTime() throws Exception {
        Topics topics = Topics.create("watermark");
        // The far-future event is written first, so the source reads it before (or with) the others.
        send(topics.input(), 1, Event.ofFeatures("future", 0, FAR_FUTURE, features(0)));
        for (int i = 0; i < STEADY_EVENTS; i++) {
            send(topics.input(), 0, Event.ofFeatures("steady", i, 1_000 + 10L * i, features(i)));
        }

        // One subtask reads both partitions: with one watermark for the subtask, the far-future
        // event would move it past every steady event.
        JobSetup setup = setup(config(topics).model(model("feature_attention"))
                .windowSize(N).stride(N).maxOutOfOrdernessMs(1_000).checkpointIntervalMs(300).bounded(true).parallelism(1));
        runBounded(setup, 1);

        List<RejectedRecord> rejected = readCommitted(topics.dlq(), RejectedRecord.class);
        assertThat(rejected).as("dead letters").isEmpty();
        List<AttentionOutput> outputs = readCommitted(topics.output(), AttentionOutput.class);
        assertThat(outputs.stream().filter(o -> o.getKey().equals("steady")).map(AttentionOutput::getWindowStartPosition))
                .as("windows of the in-order partition")
                .containsExactlyInAnyOrder(0L, 4L, 8L, 12L);
        assertThat(outputs.stream().filter(o -> o.getKey().equals("future")))
                .as("the far-future key's padded window")
                .singleElement().satisfies(o -> assertThat(o.getLength()).isEqualTo(1));
    }

    private static void send(String topic, int partition, Event event) {
        Properties props = new Properties();
        props.putAll(kafka.clientProperties());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(topic, partition, event.key.getBytes(StandardCharsets.UTF_8),
                    SequenceEventCodec.encode(event))).get();
        } catch (Exception e) {
            throw new AssertionError("Cannot write to " + topic + "-" + partition, e);
        }
    }

    private static float[] features(int seed) {
        float[] x = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            x[i] = (float) Math.sin(seed * 31 + i);
        }
        return x;
    }
}
