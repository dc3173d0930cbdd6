package io.attentionstream.bench;

import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.SequenceEventCodec;
import io.attentionstream.tools.kafka.ByteProducers;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Produces the pipeline path's input: feature events of several keys taking turns, so that an
 * output's {@code window_end_timestamp} says when its window's last event was sent. Unpaced events
 * are stamped with the wall clock as they are handed to the producer. Paced events are stamped with
 * the time they were due by the schedule, not the time they went out: when the producer falls
 * behind (a blocked send, a GC pause), the events it sends late carry the wait in their latency
 * instead of hiding it. That is the correction for coordinated omission of an open-loop load
 * generator; how late the producer was is returned beside. Paced like
 * {@code ProduceCommand.send} (which takes records encoded beforehand, so it cannot stamp the send
 * time), with the same producer settings.
 */
final class SendTimeProducer {
    private SendTimeProducer() {}

    /**
     * Sends events {@code first … first+count−1} of the stream, at {@code rate} events/s when
     * positive, else as fast as the producer takes them; returns when all are acknowledged, with how
     * late each paced event was handed to the producer (microseconds; empty when not paced).
     */
    static Histogram send(
            Properties clientProps,
            String topic,
            SyntheticStream stream,
            int keys,
            long first,
            long count,
            double rate) {
        Properties props = ByteProducers.idempotent(clientProps);
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        byte[][] keyBytes = new byte[keys][];
        for (int k = 0; k < keys; k++) {
            keyBytes[k] = SyntheticStream.keyName(k).getBytes(StandardCharsets.UTF_8);
        }
        Histogram lateness = new Histogram(3);
        long startMillis = System.currentTimeMillis();
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (long i = 0; i < count; i++) {
                long stamp;
                if (rate > 0) {
                    long dueAfter = (long) (TimeUnit.SECONDS.toNanos(1) * (i / rate));
                    long wait = start + dueAfter - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    lateness.recordValue(Math.max(0, -wait) / 1000);
                    stamp = startMillis + TimeUnit.NANOSECONDS.toMillis(dueAfter);
                } else {
                    stamp = System.currentTimeMillis();
                }
                Event e = stream.event(first + i, keys, stamp);
                producer.send(new ProducerRecord<>(
                        topic, keyBytes[(int) ((first + i) % keys)], SequenceEventCodec.encode(e)));
            }
            producer.flush();
        }
        return lateness;
    }
}
