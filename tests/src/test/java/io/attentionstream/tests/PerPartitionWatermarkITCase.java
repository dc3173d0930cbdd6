package io.attentionstream.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.SequenceEventCodec;
import io.attentionstream.job.AttentionJob;
import io.attentionstream.job.JobSetup;
import io.attentionstream.job.StartupChecks;
import io.attentionstream.tests.cluster.Polling;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Watermarks are per Kafka partition: a far-future event on one partition does not make the
 * in-order events of another partition LATE, even when one source subtask reads both. With one
 * watermark per subtask (assigned after decoding, as before), the steady events below are all LATE.
 */
class PerPartitionWatermarkITCase extends PipelineTestBase {
    private static final int N = 4;
    private static final int DIM = 64;
    private static final int STEADY_EVENTS = 8;
    private static final long FAR_FUTURE = 1_000_000_000_000L;

    @Test
    void aFarFutureEventOnOnePartitionLeavesTheOtherPartitionsEventsOnTime() throws Exception {
        Topics topics = Topics.create("watermark");
        // One subtask reads both partitions.
        JobSetup setup = setup(config(topics)
                .model(model("feature_attention"))
                .windowSize(N)
                .stride(N)
                .maxOutOfOrdernessMs(1_000)
                .checkpointIntervalMs(300)
                .parallelism(1));
        StartupChecks.check(setup, Duration.ofSeconds(30));
        JobClient job = AttentionJob.kafka(setup).start(environment(1));
        try {
            // Partition 0 starts, so its watermark is its own from here on.
            send(topics.input(), 0, steady(0));
            // Two far-future events on partition 1, each closing its own window, the second sent only
            // once the first one's output is committed: by the second commit, at least one checkpoint
            // interval (more than the 200 ms watermark interval) has passed since the first event was
            // read, so a watermark per subtask would stand far in the future now.
            send(
                    topics.input(),
                    1,
                    Event.ofFeatures("future", 0, FAR_FUTURE, features(0)).endingSequence());
            awaitCommitted(topics.output(), 1);
            send(
                    topics.input(),
                    1,
                    Event.ofFeatures("future", 1, FAR_FUTURE + 1, features(1)).endingSequence());
            awaitCommitted(topics.output(), 2);

            for (int i = 1; i < STEADY_EVENTS; i++) {
                send(topics.input(), 0, steady(i));
            }
            int expected = 2 + STEADY_EVENTS / N;
            Polling.await(
                    "the steady windows or a dead letter",
                    Duration.ofSeconds(120),
                    () -> readCommittedRaw(topics.output()).size() >= expected
                            || !readCommittedRaw(topics.dlq()).isEmpty(),
                    () -> "outputs " + readCommittedRaw(topics.output()).size());
        } finally {
            job.cancel().get();
        }

        assertThat(readCommitted(topics.dlq(), RejectedRecord.class))
                .as("dead letters (LATE steady events)")
                .isEmpty();
        List<AttentionOutput> outputs = readCommitted(topics.output(), AttentionOutput.class);
        assertThat(outputs.stream()
                        .filter(o -> o.getKey().equals("steady"))
                        .map(AttentionOutput::getWindowStartPosition))
                .as("windows of the in-order partition")
                .containsExactlyInAnyOrder(0L, 4L);
        assertThat(outputs.stream().filter(o -> o.getKey().equals("future")).map(AttentionOutput::getLength))
                .as("the far-future key's windows, one event each")
                .containsExactly(1, 1);
    }

    private static Event steady(int position) {
        return Event.ofFeatures("steady", position, 1_000 + 10L * position, features(position));
    }

    private static void send(String topic, int partition, Event event) {
        Properties props = new Properties();
        props.putAll(kafka.clientProperties());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(
                            topic,
                            partition,
                            event.key.getBytes(StandardCharsets.UTF_8),
                            SequenceEventCodec.encode(event)))
                    .get();
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
