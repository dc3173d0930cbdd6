package io.attentionstream.bench;

import io.attentionstream.tools.kafka.ByteProducers;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.SequenceEventCodec;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Produces the pipeline path's input: feature events of several keys taking turns, each stamped
 * with the wall clock at the moment it is handed to the producer, so that an output's
 * {@code window_end_timestamp} says when its window's last event was sent. Paced like
 * {@code ProduceCommand.send} (which takes records encoded beforehand, so it cannot stamp the send
 * time), with the same producer settings.
 */
final class SendTimeProducer {
    private SendTimeProducer() {}

    /**
     * Sends events {@code first … first+count−1} of the stream, at {@code rate} events/s when
     * positive, else as fast as the producer takes them; returns when all are acknowledged.
     */
    static long send(Properties clientProps, String topic, SyntheticStream stream, int keys, long first, long count,
                     double rate) {
        Properties props = ByteProducers.idempotent(clientProps);
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        byte[][] keyBytes = new byte[keys][];
        for (int k = 0; k < keys; k++) {
            keyBytes[k] = SyntheticStream.keyName(k).getBytes(StandardCharsets.UTF_8);
        }
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (long i = 0; i < count; i++) {
                if (rate > 0) {
                    long due = start + (long) (TimeUnit.SECONDS.toNanos(1) * (i / rate));
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                Event e = stream.event(first + i, keys, System.currentTimeMillis());
                producer.send(new ProducerRecord<>(topic, keyBytes[(int) ((first + i) % keys)], SequenceEventCodec.encode(e)));
            }
            producer.flush();
        }
        return count;
    }
}
