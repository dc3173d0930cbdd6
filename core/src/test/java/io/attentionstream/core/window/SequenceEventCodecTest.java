package io.attentionstream.core.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.SequenceEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The hand-rolled codec against Avro's own reader and writer, and against bad bytes. */
class SequenceEventCodecTest {

    private static final long SEED = 20240517L;

    static Stream<SequenceEvent> contractEvents() {
        return Stream.of(
                SequenceEvent.newBuilder()
                        .setKey("sensor-7")
                        .setPosition(42L)
                        .setTimestamp(1_700_000_000_123L)
                        .setFeatures(List.of(0.5f, -1.25f, 3.0f, Float.MIN_VALUE))
                        .build(),
                SequenceEvent.newBuilder()
                        .setKey("doc-1")
                        .setPosition(0L)
                        .setTimestamp(5L)
                        .setToken(999L)
                        .setEndOfSequence(true)
                        .build(),
                SequenceEvent.newBuilder()
                        .setKey("ünïcødé-键")
                        .setPosition(Long.MAX_VALUE)
                        .setTimestamp(Long.MIN_VALUE)
                        .setFeatures(List.of())
                        .build(),
                SequenceEvent.newBuilder()
                        .setKey("")
                        .setPosition(-1L)
                        .setTimestamp(0L)
                        .build(),
                SequenceEvent.newBuilder()
                        .setKey("both")
                        .setPosition(3L)
                        .setTimestamp(4L)
                        .setToken(-7L)
                        .setFeatures(List.of(Float.NaN, Float.POSITIVE_INFINITY))
                        .build());
    }

    @ParameterizedTest
    @MethodSource("contractEvents")
    void decodesWhatSpecificDatumWriterWrites(SequenceEvent record) throws Exception {
        Event event = SequenceEventCodec.decode(write(record));

        assertThat(event.key).isEqualTo(record.getKey());
        assertThat(event.position).isEqualTo(record.getPosition());
        assertThat(event.timestamp).isEqualTo(record.getTimestamp());
        assertThat(event.token).isEqualTo(record.getToken());
        assertThat(event.features).isEqualTo(toFloats(record.getFeatures()));
        assertThat(event.endOfSequence).isEqualTo(record.getEndOfSequence());
        assertThat(event.hasSource()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("contractEvents")
    void encodesTheBytesSpecificDatumWriterWrites(SequenceEvent record) throws Exception {
        byte[] expected = write(record);

        byte[] encoded = SequenceEventCodec.encode(SequenceEventCodec.decode(expected));

        assertThat(encoded).isEqualTo(expected);
        assertThat(read(encoded)).isEqualTo(record);
    }

    @Test
    void roundTripsAnEventBuiltInJava() throws Exception {
        Event event =
                Event.ofFeatures("k", 9L, 10L, new float[] {1f, -0f, 2.5e-30f}).endingSequence();

        assertThat(SequenceEventCodec.decode(SequenceEventCodec.encode(event))).isEqualTo(event);
    }

    @Test
    void encodingAnEventWithoutKeyIsRefused() {
        Event event = Event.ofToken(null, 1L, 2L, 3L);

        assertThatThrownBy(() -> SequenceEventCodec.encode(event))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without a key");
    }

    @Test
    void readsFeaturesWrittenInSeveralBlocks() throws Exception {
        // Avro allows arrays in several blocks with negative counts and byte sizes; other writers use them.
        SequenceEvent record = SequenceEvent.newBuilder()
                .setKey("blocks")
                .setPosition(1L)
                .setTimestamp(2L)
                .setFeatures(List.of(1f, 2f, 3f, 4f, 5f, 6f, 7f))
                .build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder blocking = new EncoderFactory().configureBlockSize(64).blockingBinaryEncoder(bytes, null);
        new SpecificDatumWriter<>(SequenceEvent.class).write(record, blocking);
        blocking.flush();

        Event event = SequenceEventCodec.decode(bytes.toByteArray());

        assertThat(event.features).containsExactly(1f, 2f, 3f, 4f, 5f, 6f, 7f);
    }

    @Test
    void rejectsAMissingValue() {
        assertMalformed(null, "no value");
    }

    @Test
    void rejectsEveryTruncation() throws Exception {
        byte[] whole = write(contractEvents().findFirst().orElseThrow());
        for (int length = 0; length < whole.length; length++) {
            byte[] truncated = Arrays.copyOf(whole, length);
            assertThatThrownBy(() -> SequenceEventCodec.decode(truncated))
                    .isInstanceOf(MalformedRecordException.class)
                    .hasMessageMatching("(The record ends inside field|Field) '\\w+'.*");
        }
    }

    @Test
    void rejectsTrailingBytes() throws Exception {
        byte[] whole = write(contractEvents().findFirst().orElseThrow());

        assertMalformed(Arrays.copyOf(whole, whole.length + 3), "3 bytes after the SequenceEvent datum");
    }

    @Test
    void rejectsARecordOfAnotherSchema() throws Exception {
        AttentionOutput output = AttentionOutput.newBuilder()
                .setKey("sensor-7")
                .setWindowStartPosition(0L)
                .setWindowEndPosition(63L)
                .setWindowStartTimestamp(1_700_000_000_000L)
                .setWindowEndTimestamp(1_700_000_063_000L)
                .setLength(64)
                .setRows(64)
                .setDim(2)
                .setOutput(List.of(0.5f, 1.5f))
                .setModel("feature_attention")
                .setModelSha256("ab".repeat(32))
                .build();

        // window_start_timestamp lands where token's union branch is expected.
        assertMalformed(write(output), "union branch");
    }

    @Test
    void rejectsAnInvalidUnionBranch() throws Exception {
        byte[] bytes = SequenceEventCodec.encode(Event.ofToken("k", 1L, 2L, 3L));
        int tokenBranch = 1 + 1 + 1 + 1; // key length, "k", position, timestamp: one byte each
        bytes[tokenBranch] = 4; // zig-zag 2

        assertMalformed(bytes, "union branch 2");
    }

    @Test
    void rejectsABooleanOtherThanZeroOrOne() throws Exception {
        byte[] bytes = SequenceEventCodec.encode(Event.ofToken("k", 1L, 2L, 3L));
        bytes[bytes.length - 1] = 7;

        assertMalformed(bytes, "byte 7");
    }

    @Test
    void rejectsLengthsBeyondTheRecordBeforeAllocating() throws Exception {
        byte[] hugeKey = encodeRaw(e -> e.writeLong(Integer.MAX_VALUE));
        assertMalformed(hugeKey, "claims " + Integer.MAX_VALUE + " bytes of text");

        byte[] hugeArray = encodeRaw(e -> {
            e.writeString("k");
            e.writeLong(1L);
            e.writeLong(2L);
            e.writeIndex(0);
            e.writeIndex(1);
            e.writeLong(1_000_000_000L);
            e.writeFloat(1f);
        });
        assertMalformed(hugeArray, "claims 1000000000 floats");
    }

    @Test
    void randomBytesAreEitherAnEventOrMalformed() {
        Random random = new Random(SEED);
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            assertDecodesOrMalformed(bytes);
        }
    }

    @Test
    void mutatedEventsAreEitherAnEventOrMalformed() throws Exception {
        Random random = new Random(SEED);
        List<byte[]> valid = contractEvents().map(SequenceEventCodecTest::write).toList();
        int decoded = 0;
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes = valid.get(random.nextInt(valid.size())).clone();
            for (int flips = 1 + random.nextInt(3); flips > 0 && bytes.length > 0; flips--) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            if (assertDecodesOrMalformed(bytes)) {
                decoded++;
            }
        }
        // Both outcomes must occur, or the fuzzing tests nothing.
        assertThat(decoded).isBetween(1, 4_999);
    }

    /** Returns true when the bytes decoded; fails on any exception but MalformedRecordException. */
    private static boolean assertDecodesOrMalformed(byte[] bytes) {
        Throwable thrown = catchThrowable(() -> SequenceEventCodec.decode(bytes));
        if (thrown == null) {
            return true;
        }
        assertThat(thrown).as("decoding %s", Arrays.toString(bytes)).isInstanceOf(MalformedRecordException.class);
        assertThat(thrown.getMessage()).isNotBlank().endsWith(".");
        return false;
    }

    private static void assertMalformed(byte[] bytes, String messagePart) {
        assertThatThrownBy(() -> SequenceEventCodec.decode(bytes))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining(messagePart);
    }

    interface RawWriter {
        void write(Encoder encoder) throws IOException;
    }

    private static byte[] encodeRaw(RawWriter writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        writer.write(encoder);
        encoder.flush();
        return bytes.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> byte[] write(T record) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new SpecificDatumWriter<>((Class<T>) record.getClass()).write(record, encoder);
            encoder.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static SequenceEvent read(byte[] bytes) throws IOException {
        return new SpecificDatumReader<>(SequenceEvent.class)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    }

    private static float[] toFloats(List<Float> values) {
        if (values == null) {
            return null;
        }
        float[] floats = new float[values.size()];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = values.get(i);
        }
        return floats;
    }
}
