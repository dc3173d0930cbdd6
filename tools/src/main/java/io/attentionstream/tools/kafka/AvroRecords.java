package io.attentionstream.tools.kafka;

import io.attentionstream.job.kafka.AvroBinary;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/** Reads the contract's Kafka values back into records: for the CLI, the demo and the tests. */
public final class AvroRecords {
    private AvroRecords() {}

    public static <T extends SpecificRecord> T decode(byte[] value, Class<T> type) {
        try {
            return new SpecificDatumReader<>(type).read(null, DecoderFactory.get().binaryDecoder(value, null));
        } catch (IOException e) {
            throw new UncheckedIOException("Not a " + type.getSimpleName() + " datum", e);
        }
    }

    public static byte[] encode(SpecificRecord record) {
        @SuppressWarnings("unchecked")
        AvroBinary<SpecificRecord> writer = new AvroBinary<>((Class<SpecificRecord>) record.getClass());
        return writer.encode(record);
    }
}
