package io.attentionstream.tests;

import io.attentionstream.tools.demo.SampleStream;
import io.attentionstream.tools.kafka.ByteProducers;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Sends records in order and returns where each one landed, so tests can find them again. */
final class KeyedProducer {
    private KeyedProducer() {}

    /** Where one record landed. */
    record Coordinates(int partition, long offset) {}

    static List<Coordinates> send(Properties clientProps, String topic, List<SampleStream.Record> records) {
        Properties props = ByteProducers.idempotent(clientProps);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(4 * 1024 * 1024));
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (SampleStream.Record r : records) {
                sent.add(producer.send(new ProducerRecord<>(topic, r.key(), r.value())));
            }
            producer.flush();
            List<Coordinates> coordinates = new ArrayList<>(records.size());
            for (Future<RecordMetadata> f : sent) {
                RecordMetadata m = f.get();
                coordinates.add(new Coordinates(m.partition(), m.offset()));
            }
            return coordinates;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            throw new AssertionError("Producing failed", e.getCause());
        }
    }
}
