package io.attentionstream.job.decode;

import io.attentionstream.operators.SideOutputs;
import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.RejectReason;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.job.kafka.RawRecord;
import io.attentionstream.core.deadletter.DeadLetters;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.SequenceEventCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DecodeEventsTest {

    @Test
    void decodesGoodRecordsAndSetsAsideBadOnesWithTheirBytesAndCoordinates() throws Exception {
        byte[] good = SequenceEventCodec.encode(Event.ofToken("k", 3, 100, 7));
        byte[] garbage = {1, 2, 3, 4, 5};
        byte[] big = new byte[200];
        try (OneInputStreamOperatorTestHarness<RawRecord, Event> h = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new DecodeEvents(100)))) {
            h.open();
            h.processElement(new StreamRecord<>(raw(0, good)));
            h.processElement(new StreamRecord<>(raw(1, garbage)));
            h.processElement(new StreamRecord<>(raw(2, null)));
            h.processElement(new StreamRecord<>(raw(3, big)));

            List<Event> events = h.extractOutputValues();
            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.token).isEqualTo(7L);
                assertThat(e.sourceTopic).isEqualTo("in");
                assertThat(e.sourceOffset).isZero();
            });
            List<RejectedRecord> dead = h.getSideOutput(SideOutputs.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
            assertThat(dead).extracting(RejectedRecord::getReason)
                    .containsExactly(RejectReason.MALFORMED, RejectReason.MALFORMED, RejectReason.OVERSIZED);
            assertThat(dead).extracting(RejectedRecord::getSourceOffset).containsExactly(1L, 2L, 3L);
            assertThat(dead.get(0).getValue()).isEqualTo(ByteBuffer.wrap(garbage));
            assertThat(dead.get(1).getValue()).isNull();
            assertThat(dead.get(1).getMessage()).contains("tombstone");
            assertThat(dead.get(2).getMessage()).contains("200 bytes", "--max-record-bytes");
            assertThat(dead).allSatisfy(d -> assertThat(d.getKey()).isEqualTo("k"));
        }
    }

    private static RawRecord raw(long offset, byte[] value) {
        return new RawRecord("in", 0, offset, 0L, "k".getBytes(StandardCharsets.UTF_8), value);
    }
}
