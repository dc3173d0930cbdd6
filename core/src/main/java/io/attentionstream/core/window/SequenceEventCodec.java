package io.attentionstream.core.window;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * Reads and writes the contract's wire format: one {@code SequenceEvent} datum in plain Avro
 * binary encoding, byte for byte what {@code SpecificDatumWriter} (and so Flink's
 * {@code AvroSerializationSchema}) writes.
 *
 * <p>Hand-rolled field by field because this is the hot path: the generic reader would box every
 * feature into a {@code List<Float>}; here features go straight into a {@code float[]}. The field
 * order below must follow {@code SequenceEvent.avsc}.
 */
public final class SequenceEventCodec {

    private static final int NULL_BRANCH = 0;
    private static final int VALUE_BRANCH = 1;

    private SequenceEventCodec() {}

    /**
     * Decodes one Kafka value. Never throws anything but {@link MalformedRecordException}: a bad
     * record must end on the dead-letter topic, not fail the job.
     */
    public static Event decode(byte[] value) throws MalformedRecordException {
        if (value == null) {
            throw new MalformedRecordException("The record has no value, so it holds no SequenceEvent.");
        }
        FieldReader in = new FieldReader(value);
        try {
            Event event = new Event();
            event.key = in.string("key");
            event.position = in.int64("position");
            event.timestamp = in.int64("timestamp");
            event.token = in.optionalInt64("token");
            event.features = in.optionalFloats("features");
            event.endOfSequence = in.bool("end_of_sequence");
            in.requireEnd();
            return event;
        } catch (EOFException e) {
            throw new MalformedRecordException(
                    "The record ends inside field '" + in.field + "', so it is not a whole SequenceEvent.", e);
        } catch (IOException | RuntimeException e) {
            throw new MalformedRecordException(
                    "Field '" + in.field + "' is not valid Avro binary (" + e.getMessage() + ").", e);
        }
    }

    /**
     * Encodes an event as the contract's Kafka value.
     *
     * @throws IllegalArgumentException when the event has no key, which the schema requires
     */
    public static byte[] encode(Event event) {
        if (event.key == null) {
            throw new IllegalArgumentException(
                    "An event without a key cannot be encoded, because SequenceEvent requires one.");
        }
        int featureCount = event.features == null ? 0 : event.features.length;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(3 * event.key.length() + 4 * featureCount + 40);
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(bytes, null);
        try {
            out.writeString(event.key);
            out.writeLong(event.position);
            out.writeLong(event.timestamp);
            if (event.token == null) {
                out.writeIndex(NULL_BRANCH);
            } else {
                out.writeIndex(VALUE_BRANCH);
                out.writeLong(event.token);
            }
            if (event.features == null) {
                out.writeIndex(NULL_BRANCH);
            } else {
                out.writeIndex(VALUE_BRANCH);
                writeFloats(out, event.features);
            }
            out.writeBoolean(event.endOfSequence);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing to a byte array failed, which cannot happen.", e);
        }
        return bytes.toByteArray();
    }

    /** The same calls, in the same order, as Avro's GenericDatumWriter.writeArray. */
    private static void writeFloats(BinaryEncoder out, float[] values) throws IOException {
        out.writeArrayStart();
        out.setItemCount(values.length);
        for (float v : values) {
            out.startItem();
            out.writeFloat(v);
        }
        out.writeArrayEnd();
    }

    /**
     * Reads the schema's types one field at a time, remembering the field for the error message,
     * and checks every length against the bytes left before allocating (a corrupt length must not
     * become a 2 GiB array).
     */
    private static final class FieldReader {
        private final BinaryDecoder in;
        private final byte[] oneByte = new byte[1];
        String field = "key";

        FieldReader(byte[] value) {
            this.in = DecoderFactory.get().binaryDecoder(value, null);
        }

        String string(String name) throws IOException, MalformedRecordException {
            field = name;
            long length = in.readLong();
            requireBytes(length, 1, "bytes of text");
            byte[] utf8 = new byte[(int) length];
            in.readFixed(utf8);
            return new String(utf8, StandardCharsets.UTF_8);
        }

        long int64(String name) throws IOException {
            field = name;
            return in.readLong();
        }

        Long optionalInt64(String name) throws IOException, MalformedRecordException {
            field = name;
            return unionBranch("[\"null\",\"long\"]") == NULL_BRANCH ? null : in.readLong();
        }

        float[] optionalFloats(String name) throws IOException, MalformedRecordException {
            field = name;
            return unionBranch("[\"null\",array<float>]") == NULL_BRANCH ? null : floats();
        }

        /** An Avro array may come in several blocks; SpecificDatumWriter writes one. */
        private float[] floats() throws IOException, MalformedRecordException {
            long blockCount = in.readArrayStart();
            requireBytes(blockCount, Float.BYTES, "floats");
            float[] values = new float[(int) blockCount];
            int filled = 0;
            while (blockCount > 0) {
                if (filled + blockCount > values.length) {
                    values = Arrays.copyOf(values, filled + (int) blockCount);
                }
                for (long i = 0; i < blockCount; i++) {
                    values[filled++] = in.readFloat();
                }
                blockCount = in.arrayNext();
                requireBytes(blockCount, Float.BYTES, "floats");
            }
            return filled == values.length ? values : Arrays.copyOf(values, filled);
        }

        boolean bool(String name) throws IOException, MalformedRecordException {
            field = name;
            // Avro's readBoolean takes any non-1 byte as false; a strict check catches other schemas.
            in.readFixed(oneByte);
            if (oneByte[0] != 0 && oneByte[0] != 1) {
                throw new MalformedRecordException(
                        "Field '" + name + "' holds byte " + oneByte[0] + ", but a boolean is 0 or 1.");
            }
            return oneByte[0] == 1;
        }

        void requireEnd() throws IOException, MalformedRecordException {
            int trailing = remaining();
            if (trailing > 0) {
                throw new MalformedRecordException("The record has " + trailing
                        + " bytes after the SequenceEvent datum, so it was likely written with another schema.");
            }
        }

        private int unionBranch(String union) throws IOException, MalformedRecordException {
            // Read as a long so that a wild value (from another schema) still gets this message.
            long branch = in.readLong();
            if (branch != NULL_BRANCH && branch != VALUE_BRANCH) {
                throw new MalformedRecordException(
                        "Field '" + field + "' names union branch " + branch + ", but " + union + " has only 0 and 1.");
            }
            return (int) branch;
        }

        private void requireBytes(long count, int bytesEach, String what) throws IOException, MalformedRecordException {
            int left = remaining();
            if (count < 0 || count > left / bytesEach) {
                throw new MalformedRecordException("Field '" + field + "' claims " + count + " " + what + ", but only "
                        + left + " bytes are left in the record.");
            }
        }

        /** For a byte-array source, the decoder's stream reports exactly the unread bytes. */
        private int remaining() throws IOException {
            return in.inputStream().available();
        }
    }
}
