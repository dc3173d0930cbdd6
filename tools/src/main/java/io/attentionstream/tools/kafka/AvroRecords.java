package io.attentionstream.tools.kafka;

import io.attentionstream.avro.AttentionWeights;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The contract's Kafka values (one plain Avro binary datum each, as the job's sinks write them)
 * to and from records: for the CLI, the demo and the tests.
 *
 * <p>A value carries no schema id, so one written by an older job (before a field was appended)
 * is recognised by trying: first the current schema, then each earlier writer schema of the type
 * (kept in the schemas jar under {@value #HISTORY_DIR}), newest first, resolved against the current
 * one so that the added fields take their defaults. A schema fits a value only if it reads the
 * value to its last byte: an older datum read with the current schema runs out of bytes, a newer
 * one leaves bytes over, and either way the next schema is tried.
 */
public final class AvroRecords {
    static final String HISTORY_DIR = "/avro/history/";

    /** Earlier versions of each type's schema, newest first: {@code <HISTORY_DIR><Type>-<version>.avsc}. */
    private static final Map<Class<? extends SpecificRecord>, List<String>> HISTORY =
            Map.of(AttentionWeights.class, List.of("v1"));

    private static final Map<Class<?>, List<Version>> WRITERS = new ConcurrentHashMap<>();

    private AvroRecords() {}

    /**
     * The record in {@code value}, written with the current schema of {@code type} or one of its
     * earlier versions.
     *
     * @throws UncheckedIOException saying how each schema failed, if none reads the value exactly
     */
    public static <T extends SpecificRecord> T decode(byte[] value, Class<T> type) {
        Schema current = SpecificData.get().getSchema(type);
        List<String> failures = new ArrayList<>();
        IOException first = null;
        for (Version writer : versions(type, current)) {
            try {
                return read(value, writer.schema(), current);
            } catch (IOException | RuntimeException e) {
                IOException failure = e instanceof IOException io ? io : new IOException(e);
                if (first == null) {
                    first = failure;
                } else {
                    first.addSuppressed(failure);
                }
                failures.add("the " + writer.name() + " " + reason(e));
            }
        }
        throw new UncheckedIOException(
                "A value of " + value.length + " bytes is not a valid " + type.getSimpleName() + " datum: "
                        + String.join("; ", failures) + ".",
                first);
    }

    public static byte[] encode(SpecificRecord record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        try {
            new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode " + record.getClass().getSimpleName(), e);
        }
        return bytes.toByteArray();
    }

    /** The schemas to try, in order: the current one, then the earlier ones, newest first. */
    static List<Version> versions(Class<? extends SpecificRecord> type, Schema current) {
        List<Version> versions = new ArrayList<>();
        versions.add(new Version("current schema", current));
        versions.addAll(WRITERS.computeIfAbsent(type, AvroRecords::loadHistory));
        return versions;
    }

    private static List<Version> loadHistory(Class<?> type) {
        List<Version> versions = new ArrayList<>();
        for (String version : HISTORY.getOrDefault(type, List.of())) {
            String resource = HISTORY_DIR + type.getSimpleName() + "-" + version + ".avsc";
            try (InputStream in = AvroRecords.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException(
                            resource + " is not on the classpath: the schemas jar is older than the tools.");
                }
                versions.add(new Version(version + " writer schema", new Schema.Parser().parse(in)));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + resource, e);
            }
        }
        return List.copyOf(versions);
    }

    private static <T> T read(byte[] value, Schema writer, Schema reader) throws IOException {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, null);
        T record = new SpecificDatumReader<T>(writer, reader).read(null, decoder);
        if (!decoder.isEnd()) {
            throw new TrailingBytesException(decoder.inputStream().available());
        }
        return record;
    }

    private static String reason(Exception e) {
        if (e instanceof EOFException) {
            return "runs out of bytes";
        }
        if (e instanceof TrailingBytesException t) {
            return "leaves " + t.count + (t.count == 1 ? " byte" : " bytes") + " over";
        }
        return "fails: " + e;
    }

    /** A schema to read values with, and how messages name it. */
    record Version(String name, Schema schema) {}

    private static final class TrailingBytesException extends IOException {
        private static final long serialVersionUID = 1L;
        final int count;

        TrailingBytesException(int count) {
            super(count + " bytes left over after the datum");
            this.count = count;
        }
    }
}
