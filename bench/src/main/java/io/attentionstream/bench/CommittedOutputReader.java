package io.attentionstream.bench;

import io.attentionstream.avro.AttentionOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the output topic from the beginning with {@code read_committed} in its own thread, as a
 * downstream consumer would, and takes each output's latency into an HdrHistogram (microseconds,
 * from a millisecond clock): the wall clock when the poll that returned it came back, minus its
 * {@code window_end_timestamp} (when the window's last event was due to be sent, see
 * {@link SendTimeProducer}). Only windows whose last event was sent within {@link #measureBetween} count towards the
 * latencies; every record counts towards {@link #received()}.
 */
final class CommittedOutputReader implements AutoCloseable {
    /** Short fetch waits: a committed transaction becomes visible to us within this bound. */
    private static final String FETCH_MAX_WAIT_MS = "10";

    private final Properties props;
    private final String topic;
    private final AtomicLong received = new AtomicLong();
    /** Three significant digits, resized as needed. */
    private final Histogram latencies = new Histogram(3);

    private final Thread thread;
    private volatile boolean stopped;
    private volatile long lastArrivalNanos = -1;
    private volatile long measureFromMillis = Long.MAX_VALUE;
    private volatile long measureToMillis = Long.MAX_VALUE;
    private volatile RuntimeException failure;

    CommittedOutputReader(Properties clientProps, String topic) {
        this.props = new Properties();
        props.putAll(clientProps);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.topic = topic;
        this.thread = new Thread(this::read, "bench-output-reader");
        thread.setDaemon(true);
    }

    CommittedOutputReader start() {
        thread.start();
        return this;
    }

    /** Take latencies of windows whose last event was sent in [from, to) (wall clock, ms). */
    void measureBetween(long fromMillis, long toMillis) {
        measureToMillis = toMillis;
        measureFromMillis = fromMillis;
    }

    long received() {
        checkFailure();
        return received.get();
    }

    /** {@link System#nanoTime()} of the last poll that returned records, or −1 before the first. */
    long lastArrivalNanos() {
        return lastArrivalNanos;
    }

    /** A copy of the latencies so far, in microseconds. */
    Histogram latencies() {
        synchronized (latencies) {
            return latencies.copy();
        }
    }

    private void read() {
        SpecificDatumReader<AttentionOutput> avro = new SpecificDatumReader<>(AttentionOutput.class);
        BinaryDecoder decoder = null;
        AttentionOutput output = null;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!stopped) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(50));
                if (records.isEmpty()) {
                    continue;
                }
                long nowMillis = System.currentTimeMillis();
                long nowNanos = System.nanoTime();
                long from = measureFromMillis;
                long to = measureToMillis;
                synchronized (latencies) {
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        decoder = DecoderFactory.get().binaryDecoder(r.value(), decoder);
                        output = avro.read(output, decoder);
                        long sentAt = output.getWindowEndTimestamp();
                        if (sentAt >= from && sentAt < to) {
                            latencies.recordValue(Math.max(0, nowMillis - sentAt) * 1000L);
                        }
                    }
                }
                received.addAndGet(records.count());
                lastArrivalNanos = nowNanos;
            }
        } catch (IOException e) {
            failure = new UncheckedIOException("An output on " + topic + " is not an AttentionOutput datum", e);
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private void checkFailure() {
        if (failure != null) {
            throw new IllegalStateException("Reading the outputs failed: " + failure.getMessage(), failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(10_000);
        checkFailure();
    }
}
