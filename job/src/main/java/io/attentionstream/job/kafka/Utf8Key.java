package io.attentionstream.job.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.util.function.SerializableFunction;

/**
 * The Kafka record key of an output: its sequence key in UTF-8, so outputs are partitioned like
 * their inputs. A record without a key gets none.
 */
public class Utf8Key<T> implements SerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final SerializableFunction<T, String> key;

    public Utf8Key(SerializableFunction<T, String> key) {
        this.key = Objects.requireNonNull(key, "key");
    }

    @Override
    public byte[] serialize(T element) {
        String k = key.apply(element);
        return k == null ? null : k.getBytes(StandardCharsets.UTF_8);
    }
}
