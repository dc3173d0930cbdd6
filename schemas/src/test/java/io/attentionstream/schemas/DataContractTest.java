package io.attentionstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.avro.RejectReason;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.avro.SequenceEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The data contract of DESIGN.md: field names, round trips, and evolution by defaulted fields. */
class DataContractTest {

    @Test
    void sequenceEventRoundTripsWithFeatures() {
        SequenceEvent event = SequenceEvent.newBuilder()
                .setKey("sensor-7")
                .setPosition(42L)
                .setTimestamp(1_700_000_000_123L)
                .setFeatures(List.of(0.5f, -1.25f, 3.0f))
                .build();

        SequenceEvent back = roundTrip(event, SequenceEvent.getClassSchema());

        assertThat(back).isEqualTo(event);
        assertThat(back.getToken()).isNull();
        assertThat(back.getEndOfSequence())
                .as("end_of_sequence defaults to false")
                .isFalse();
    }

    @Test
    void sequenceEventRoundTripsWithToken() {
        SequenceEvent event = SequenceEvent.newBuilder()
                .setKey("doc-1")
                .setPosition(0L)
                .setTimestamp(5L)
                .setToken(999L)
                .setEndOfSequence(true)
                .build();

        assertThat(roundTrip(event, SequenceEvent.getClassSchema())).isEqualTo(event);
    }

    @Test
    void attentionOutputRoundTrips() {
        AttentionOutput output = AttentionOutput.newBuilder()
                .setKey("k")
                .setWindowStartPosition(10L)
                .setWindowEndPosition(13L)
                .setWindowStartTimestamp(100L)
                .setWindowEndTimestamp(130L)
                .setLength(4)
                .setRows(1)
                .setDim(2)
                .setOutput(List.of(1f, 2f))
                .setModel("feature_attention")
                .setModelSha256("ab".repeat(32))
                .build();

        assertThat(roundTrip(output, AttentionOutput.getClassSchema())).isEqualTo(output);
    }

    @Test
    void attentionWeightsRoundTrips() {
        AttentionWeights weights = AttentionWeights.newBuilder()
                .setKey("k")
                .setWindowStartPosition(0L)
                .setWindowEndPosition(1L)
                .setWindowStartTimestamp(0L)
                .setWindowEndTimestamp(1L)
                .setLength(2)
                .setHeads(1)
                .setQueryRows(2)
                .setWeights(List.of(1f, 0f, 0.5f, 0.5f))
                .setModel("m")
                .setModelSha256("00")
                .build();

        assertThat(roundTrip(weights, AttentionWeights.getClassSchema())).isEqualTo(weights);
    }

    @Test
    void rejectedRecordRoundTripsWithAndWithoutSource() {
        RejectedRecord fromSource = RejectedRecord.newBuilder()
                .setSourceTopic("attention.input")
                .setSourcePartition(3)
                .setSourceOffset(1234L)
                .setKey("k")
                .setValue(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .setReason(RejectReason.MALFORMED)
                .setMessage("value is not a SequenceEvent")
                .setRejectedAt(99L)
                .build();
        RejectedRecord afterWindowing = RejectedRecord.newBuilder()
                .setReason(RejectReason.INFERENCE_FAILED)
                .setMessage("output held NaN")
                .setRejectedAt(100L)
                .build();

        assertThat(roundTrip(fromSource, RejectedRecord.getClassSchema())).isEqualTo(fromSource);
        RejectedRecord back = roundTrip(afterWindowing, RejectedRecord.getClassSchema());
        assertThat(back).isEqualTo(afterWindowing);
        assertThat(back.getSourceTopic()).isNull();
        assertThat(back.getSourceOffset()).isNull();
    }

    @Test
    void contractFieldNamesAreThoseOfTheDesign() {
        assertThat(fieldNames(SequenceEvent.getClassSchema()))
                .containsExactly("key", "position", "timestamp", "token", "features", "end_of_sequence");
        assertThat(fieldNames(AttentionOutput.getClassSchema()))
                .containsExactly(
                        "key",
                        "window_start_position",
                        "window_end_position",
                        "window_start_timestamp",
                        "window_end_timestamp",
                        "length",
                        "rows",
                        "dim",
                        "output",
                        "model",
                        "model_sha256");
        assertThat(fieldNames(AttentionWeights.getClassSchema()))
                .containsExactly(
                        "key",
                        "window_start_position",
                        "window_end_position",
                        "window_start_timestamp",
                        "window_end_timestamp",
                        "length",
                        "heads",
                        "query_rows",
                        "weights",
                        "model",
                        "model_sha256",
                        "layers",
                        "layer_indexes");
        assertThat(fieldNames(RejectedRecord.getClassSchema()))
                .containsExactly(
                        "source_topic",
                        "source_partition",
                        "source_offset",
                        "key",
                        "value",
                        "reason",
                        "message",
                        "rejected_at");
        assertThat(RejectedRecord.getClassSchema().getField("reason").schema().getEnumSymbols())
                .containsExactly(
                        "MALFORMED",
                        "MISSING_PAYLOAD",
                        "WRONG_INPUT_KIND",
                        "BAD_DIMENSION",
                        "NON_FINITE",
                        "TOKEN_OUT_OF_RANGE",
                        "OUT_OF_ORDER",
                        "LATE",
                        "OVERSIZED",
                        "INFERENCE_FAILED");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SequenceEvent", "AttentionOutput", "AttentionWeights", "RejectedRecord"})
    void shippedSchemaFilesAreTheGeneratedSchemas(String name) throws IOException {
        Schema shipped;
        try (InputStream in = getClass().getResourceAsStream("/avro/" + name + ".avsc")) {
            assertThat(in).as("schema %s.avsc inside the jar", name).isNotNull();
            shipped = new Schema.Parser().parse(in);
        }
        assertThat(shipped.getFullName()).isEqualTo("io.attentionstream.avro." + name);
        assertThat(fieldNames(shipped)).isEqualTo(fieldNames(generatedSchema(name)));
    }

    @Test
    void readerWithNewDefaultedFieldReadsOldData() throws IOException {
        Schema writer = SequenceEvent.getClassSchema();
        Schema reader = withExtraField(writer, "source", "unknown");

        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        assertThat(compatibility.getType()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);

        SequenceEvent old = SequenceEvent.newBuilder()
                .setKey("k")
                .setPosition(1L)
                .setTimestamp(2L)
                .setToken(3L)
                .build();
        GenericRecord read = readGeneric(encode(old, writer), writer, reader);
        assertThat(read.get("key").toString()).isEqualTo("k");
        assertThat(read.get("token")).isEqualTo(3L);
        assertThat(read.get("source").toString()).isEqualTo("unknown");
    }

    @Test
    void weightsWrittenBeforeLayersReadAsOneLayer() throws IOException {
        Schema v1;
        try (InputStream in = getClass().getResourceAsStream("/avro/history/AttentionWeights-v1.avsc")) {
            assertThat(in).as("the version-1 schema inside the jar").isNotNull();
            v1 = new Schema.Parser().parse(in);
        }
        assertThat(fieldNames(v1)).doesNotContain("layers", "layer_indexes");
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(AttentionWeights.getClassSchema(), v1)
                        .getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);

        GenericRecord old = new GenericData.Record(v1);
        old.put("key", "k");
        old.put("window_start_position", 0L);
        old.put("window_end_position", 1L);
        old.put("window_start_timestamp", 10L);
        old.put("window_end_timestamp", 11L);
        old.put("length", 2);
        old.put("heads", 1);
        old.put("query_rows", 2);
        old.put("weights", List.of(1f, 0f, 0.5f, 0.5f));
        old.put("model", "m");
        old.put("model_sha256", "0".repeat(64));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new org.apache.avro.generic.GenericDatumWriter<GenericRecord>(v1).write(old, encoder);
        encoder.flush();

        AttentionWeights read = new SpecificDatumReader<AttentionWeights>(v1, AttentionWeights.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        assertThat(read.getLayers()).isEqualTo(1);
        assertThat(read.getLayerIndexes()).isEmpty();
        assertThat(read.getWeights()).containsExactly(1f, 0f, 0.5f, 0.5f);
    }

    @Test
    void readerWithNewFieldWithoutDefaultIsIncompatible() {
        Schema writer = AttentionOutput.getClassSchema();
        Schema reader = withExtraField(writer, "source", null);

        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                        .getType())
                .as("a field added without a default breaks old data, which is why the contract forbids it")
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    @Test
    void oldReaderStillReadsDataWrittenWithNewDefaultedField() throws IOException {
        Schema old = AttentionWeights.getClassSchema();
        Schema newer = withExtraField(old, "source", "unknown");
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(old, newer)
                        .getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    private static Schema withExtraField(Schema base, String name, String defaultValue) {
        List<Schema.Field> fields = new java.util.ArrayList<>();
        for (Schema.Field f : base.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field(name, Schema.create(Schema.Type.STRING), null, defaultValue));
        return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    }

    private static Schema generatedSchema(String name) {
        switch (name) {
            case "SequenceEvent":
                return SequenceEvent.getClassSchema();
            case "AttentionOutput":
                return AttentionOutput.getClassSchema();
            case "AttentionWeights":
                return AttentionWeights.getClassSchema();
            default:
                return RejectedRecord.getClassSchema();
        }
    }

    private static List<String> fieldNames(Schema schema) {
        return schema.getFields().stream().map(Schema.Field::name).toList();
    }

    private static <T extends SpecificRecord> T roundTrip(T record, Schema schema) {
        try {
            byte[] bytes = encode(record, schema);
            SpecificDatumReader<T> reader = new SpecificDatumReader<>(schema);
            return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static <T extends SpecificRecord> byte[] encode(T record, Schema schema) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<T>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static GenericRecord readGeneric(byte[] bytes, Schema writer, Schema reader) throws IOException {
        GenericDatumReader<GenericRecord> datumReader = new GenericDatumReader<>(writer, reader, GenericData.get());
        return datumReader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    }
}
