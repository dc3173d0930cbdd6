package io.attentionstream.tools.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class AvroRecordsTest {

    /** A value as a job of schema version 1 wrote it: no layers, weights heads × query_rows × length. */
    static byte[] version1Value() throws IOException {
        Schema v1;
        try (InputStream in = AvroRecordsTest.class.getResourceAsStream("/avro/history/AttentionWeights-v1.avsc")) {
            assertThat(in).as("the version-1 schema in the schemas jar").isNotNull();
            v1 = new Schema.Parser().parse(in);
        }
        assertThat(v1.getField("layers")).isNull();
        GenericRecord old = new GenericData.Record(v1);
        old.put("key", "sensor-0");
        old.put("window_start_position", 4L);
        old.put("window_end_position", 6L);
        old.put("window_start_timestamp", 1000L);
        old.put("window_end_timestamp", 2000L);
        old.put("length", 3);
        old.put("heads", 2);
        old.put("query_rows", 1);
        old.put("weights", List.of(.2f, .3f, .5f, .6f, .3f, .1f));
        old.put("model", "feature_attention");
        old.put("model_sha256", "ab".repeat(32));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(v1).write(old, encoder);
        encoder.flush();
        return bytes.toByteArray();
    }

    static AttentionWeights twoLayers() {
        return AttentionWeights.newBuilder()
                .setKey("doc-1")
                .setWindowStartPosition(0)
                .setWindowEndPosition(1)
                .setWindowStartTimestamp(10)
                .setWindowEndTimestamp(11)
                .setLength(2)
                .setHeads(1)
                .setQueryRows(1)
                .setWeights(List.of(.25f, .75f, .5f, .5f))
                .setModel("encoder")
                .setModelSha256("cd".repeat(32))
                .setLayers(2)
                .setLayerIndexes(List.of(0, 5))
                .build();
    }

    @Test
    void aValueAnOlderJobWroteReadsAsOneLayer() throws IOException {
        byte[] old = version1Value();
        assertThatThrownBy(() -> new org.apache.avro.specific.SpecificDatumReader<>(AttentionWeights.class)
                        .read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(old, null)))
                .as("the current schema alone cannot read it")
                .isInstanceOf(java.io.EOFException.class);

        AttentionWeights read = AvroRecords.decode(old, AttentionWeights.class);
        assertThat(read.getLayers()).isEqualTo(1);
        assertThat(read.getLayerIndexes()).isEmpty();
        assertThat(read.getKey()).isEqualTo("sensor-0");
        assertThat(read.getWindowStartPosition()).isEqualTo(4L);
        assertThat(read.getWindowEndPosition()).isEqualTo(6L);
        assertThat(read.getHeads()).isEqualTo(2);
        assertThat(read.getQueryRows()).isEqualTo(1);
        assertThat(read.getLength()).isEqualTo(3);
        assertThat(read.getWeights()).containsExactly(.2f, .3f, .5f, .6f, .3f, .1f);
        assertThat(read.getModel()).isEqualTo("feature_attention");
        assertThat(read.getModelSha256()).isEqualTo("ab".repeat(32));
    }

    @Test
    void currentValuesRoundTrip() {
        AttentionWeights multi = twoLayers();
        assertThat(AvroRecords.decode(AvroRecords.encode(multi), AttentionWeights.class))
                .isEqualTo(multi);

        AttentionWeights single = AttentionWeights.newBuilder(multi)
                .setLayers(1)
                .setLayerIndexes(List.of(0))
                .setWeights(List.of(.25f, .75f))
                .build();
        assertThat(AvroRecords.decode(AvroRecords.encode(single), AttentionWeights.class))
                .isEqualTo(single);
    }

    @Test
    void aValueNoVersionReadsExactlyIsRefusedWithOneMessageNamingEach() throws IOException {
        byte[] old = version1Value();
        byte[] truncated = Arrays.copyOf(old, old.length - 3);
        assertThatThrownBy(() -> AvroRecords.decode(truncated, AttentionWeights.class))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("A value of " + truncated.length + " bytes is not a valid AttentionWeights datum: "
                        + "the current schema runs out of bytes; the v1 writer schema runs out of bytes.");

        byte[] current = AvroRecords.encode(twoLayers());
        byte[] longer = Arrays.copyOf(current, current.length + 2);
        assertThatThrownBy(() -> AvroRecords.decode(longer, AttentionWeights.class))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("not a valid AttentionWeights datum")
                .hasMessageContaining("the current schema leaves 2 bytes over")
                .hasMessageContaining("the v1 writer schema leaves");
    }

    @Test
    void typesWithoutEarlierVersionsTryTheCurrentSchemaOnly() {
        AttentionOutput output = AttentionOutput.newBuilder()
                .setKey("k")
                .setWindowStartPosition(0)
                .setWindowEndPosition(0)
                .setWindowStartTimestamp(0)
                .setWindowEndTimestamp(0)
                .setLength(1)
                .setRows(1)
                .setDim(1)
                .setOutput(List.of(1f))
                .setModel("m")
                .setModelSha256("0".repeat(64))
                .build();
        byte[] bytes = AvroRecords.encode(output);
        assertThat(AvroRecords.decode(bytes, AttentionOutput.class)).isEqualTo(output);
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> AvroRecords.decode(longer, AttentionOutput.class))
                .hasMessage("A value of " + longer.length + " bytes is not a valid AttentionOutput datum: "
                        + "the current schema leaves 1 byte over.");
    }
}
