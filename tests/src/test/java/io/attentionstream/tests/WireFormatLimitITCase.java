package io.attentionstream.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.avro.RejectReason;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.avro.SequenceEvent;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.SequenceEventCodec;
import io.attentionstream.tools.demo.SampleStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * A documented limit of the plain wire format (one Avro binary datum, no schema id): a producer
 * whose schema is the contract plus one field with a default appended at the end. Avro calls that
 * change compatible, and with the writer's schema at hand a reader would resolve it; the plain
 * format carries no writer schema, so the job reads every such record with the contract schema,
 * finds bytes after the datum and sets the record aside as {@code MALFORMED} with its original
 * bytes. Nothing of it reaches the output, whether the producer fills the new field or leaves it at
 * its default, while contract records in the same topic flow. Evolving producers need the
 * schema-registry format (planned: {@code --schema-registry-url}).
 */
class WireFormatLimitITCase extends PipelineTestBase {
    private static final int N = 4;
    private static final int DIM = 64;
    private static final String MODEL = "feature_attention";

    /** The contract with an appended string field, which the producer sets. */
    private static final Schema WITH_SOURCE = appended(
            new Schema.Field("source", Schema.create(Schema.Type.STRING), "Where the event comes from.", "unknown"));
    /** The contract with an appended optional field, which the producer leaves at its default. */
    private static final Schema WITH_CONFIDENCE = appended(new Schema.Field(
            "confidence",
            Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.DOUBLE)),
            "How sure the producer is.",
            JsonProperties.NULL_VALUE));

    @Test
    void recordsOfAProducerThatAppendsAFieldWithADefaultAreAllMalformedDeadLetters() throws Exception {
        for (Schema evolved : List.of(WITH_SOURCE, WITH_CONFIDENCE)) {
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(SequenceEvent.getClassSchema(), evolved)
                            .getType())
                    .as(
                            "Avro can resolve %s with the contract as reader",
                            evolved.getFields()
                                    .get(evolved.getFields().size() - 1)
                                    .name())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
        SampleStream stream = new SampleStream(InputKind.FEATURES, 3, 12, DIM, 1000, 0, 61);
        List<Event> all = Streams.endingEveryKey(stream.events());
        String contractKey = stream.keyName(0);
        Map<String, Schema> evolvedKeys = Map.of(stream.keyName(1), WITH_SOURCE, stream.keyName(2), WITH_CONFIDENCE);

        List<Event> contractEvents = new ArrayList<>();
        List<SampleStream.Record> records = new ArrayList<>();
        Map<String, Event> evolvedByValue = new HashMap<>();
        for (Event e : all) {
            Schema evolved = evolvedKeys.get(e.key);
            byte[] value = evolved == null ? SequenceEventCodec.encode(e) : encode(evolved, e);
            if (evolved == null) {
                contractEvents.add(e);
            } else {
                evolvedByValue.put(Arrays.toString(value), e);
            }
            records.add(new SampleStream.Record(e.key.getBytes(StandardCharsets.UTF_8), value));
        }
        assertThat(contractEvents).as("events of %s", contractKey).isNotEmpty();

        Topics topics = Topics.create("wire-format");
        produce(topics, records);
        runBounded(
                setup(config(topics)
                        .model(model(MODEL))
                        .windowSize(N)
                        .stride(N)
                        .checkpointIntervalMs(500)
                        .bounded(true)),
                2);

        List<RejectedRecord> dead = readCommitted(topics.dlq(), RejectedRecord.class);
        assertThat(dead).as("one dead letter per record of an evolved producer").hasSize(evolvedByValue.size());
        for (RejectedRecord d : dead) {
            byte[] value = bytes(d.getValue());
            Event original = evolvedByValue.get(Arrays.toString(value));
            assertThat(original)
                    .as("the dead letter keeps the producer's bytes")
                    .isNotNull();
            assertThat(d.getReason()).isEqualTo(RejectReason.MALFORMED);
            assertThat(d.getMessage()).contains("after the SequenceEvent datum");
            // The contract fields lead the datum: cut off the appended field and the record is the event.
            int contractLength = SequenceEventCodec.encode(original).length;
            assertThat(value.length).as("bytes of the appended field").isGreaterThan(contractLength);
            assertThat(SequenceEventCodec.decode(Arrays.copyOf(value, contractLength)).position)
                    .isEqualTo(original.position);
        }
        ExactlyOnce.assertOutputs(
                topics,
                contractEvents,
                N,
                N,
                MODEL,
                readCommitted(topics.output(), AttentionOutput.class),
                readCommitted(topics.weights(), AttentionWeights.class));
    }

    /** The contract's fields, then one more. */
    private static Schema appended(Schema.Field extra) {
        Schema contract = SequenceEvent.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : contract.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(extra);
        return Schema.createRecord(contract.getName(), contract.getDoc(), contract.getNamespace(), false, fields);
    }

    /** What a producer with the evolved schema writes: a plain binary datum. */
    private static byte[] encode(Schema evolved, Event e) {
        GenericRecord record = new GenericData.Record(evolved);
        record.put("key", e.key);
        record.put("position", e.position);
        record.put("timestamp", e.timestamp);
        record.put("token", e.token);
        List<Float> features = new ArrayList<>(e.features.length);
        for (float f : e.features) {
            features.add(f);
        }
        record.put("features", features);
        record.put("end_of_sequence", e.endOfSequence);
        if (evolved.getField("source") != null) {
            record.put("source", "sensor-gateway-" + e.key);
        } else {
            record.put("confidence", null);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(evolved).write(record, encoder);
            encoder.flush();
        } catch (IOException e1) {
            throw new AssertionError("Writing to a byte array failed", e1);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
