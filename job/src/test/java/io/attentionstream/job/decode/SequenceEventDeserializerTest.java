package io.attentionstream.job.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.RejectReason;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.SequenceEventCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class SequenceEventDeserializerTest {

    @Test
    void decodesGoodRecordsAndSetsAsideBadOnesWithTheirBytesAndCoordinates() {
        byte[] good = SequenceEventCodec.encode(Event.ofToken("k", 3, 100, 7));
        byte[] garbage = {1, 2, 3, 4, 5};
        byte[] big = new byte[200];
        SequenceEventDeserializer deserializer = new SequenceEventDeserializer(100);
        deserializer.registerCounters(new UnregisteredMetricsGroup());
        List<DecodedRecord> out = new ArrayList<>();
        Collector<DecodedRecord> collector = new Collector<>() {
            @Override
            public void collect(DecodedRecord record) {
                out.add(record);
            }

            @Override
            public void close() {}
        };
        deserializer.deserialize(raw(0, good), collector);
        deserializer.deserialize(raw(1, garbage), collector);
        deserializer.deserialize(raw(2, null), collector);
        deserializer.deserialize(raw(3, big), collector);

        assertThat(out).hasSize(4).allSatisfy(r -> assertThat(r.event == null).isNotEqualTo(r.rejected == null));
        List<Event> events =
                out.stream().map(r -> r.event).filter(Objects::nonNull).toList();
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.token).isEqualTo(7L);
            assertThat(e.sourceTopic).isEqualTo("in");
            assertThat(e.sourceOffset).isZero();
        });
        List<RejectedRecord> dead =
                out.stream().map(r -> r.rejected).filter(Objects::nonNull).toList();
        assertThat(dead)
                .extracting(RejectedRecord::getReason)
                .containsExactly(RejectReason.MALFORMED, RejectReason.MALFORMED, RejectReason.OVERSIZED);
        assertThat(dead).extracting(RejectedRecord::getSourceOffset).containsExactly(1L, 2L, 3L);
        assertThat(dead.get(0).getValue()).isEqualTo(ByteBuffer.wrap(garbage));
        assertThat(dead.get(1).getValue()).isNull();
        assertThat(dead.get(1).getMessage()).contains("tombstone");
        assertThat(dead.get(2).getMessage()).contains("200 bytes", "--max-record-bytes");
        assertThat(dead).allSatisfy(d -> assertThat(d.getKey()).isEqualTo("k"));
    }

    private static ConsumerRecord<byte[], byte[]> raw(long offset, byte[] value) {
        return new ConsumerRecord<>("in", 0, offset, "k".getBytes(StandardCharsets.UTF_8), value);
    }
}
