package io.attentionstream.job.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Writes records of one Avro class as plain binary datums, the contract's wire format (what
 * Flink's AvroSerializationSchema writes). Reuses its buffers; not thread-safe.
 */
public final class AvroBinary<T extends SpecificRecord> {
    private final DatumWriter<T> writer;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    private BinaryEncoder encoder;

    public AvroBinary(Class<T> type) {
        this.writer = new SpecificDatumWriter<>(type);
    }

    public byte[] encode(T record) {
        bytes.reset();
        encoder = EncoderFactory.get().binaryEncoder(bytes, encoder);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode " + record.getClass().getSimpleName(), e);
        }
        return bytes.toByteArray();
    }
}
