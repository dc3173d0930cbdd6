package io.attentionstream.job.decode;

import io.attentionstream.operators.SideOutputs;
import io.attentionstream.avro.RejectReason;
import io.attentionstream.job.kafka.RawRecord;
import io.attentionstream.core.deadletter.DeadLetters;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.MalformedRecordException;
import io.attentionstream.core.window.SequenceEventCodec;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes Kafka values into events. Never throws: a record that is too large, empty (a
 * tombstone) or not a SequenceEvent goes to the dead-letter output with its original bytes and
 * its Kafka coordinates.
 */
public class DecodeEvents extends ProcessFunction<RawRecord, Event> {
    private static final long serialVersionUID = 1L;

    private final int maxRecordBytes;
    private transient Map<RejectReason, Counter> rejected;

    /** @param maxRecordBytes larger values are rejected as OVERSIZED (`--max-record-bytes`) */
    public DecodeEvents(int maxRecordBytes) {
        if (maxRecordBytes < 1) {
            throw new IllegalArgumentException("--max-record-bytes must be positive, got " + maxRecordBytes + ".");
        }
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void open(OpenContext openContext) {
        rejected = new EnumMap<>(RejectReason.class);
        for (RejectReason reason : new RejectReason[] {RejectReason.MALFORMED, RejectReason.OVERSIZED}) {
            rejected.put(reason, getRuntimeContext().getMetricGroup().addGroup("rejected").counter(reason.name()));
        }
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<Event> out) {
        if (record.value == null) {
            reject(record, ctx, RejectReason.MALFORMED, "The record has no value (a tombstone); expected a SequenceEvent.");
            return;
        }
        if (record.value.length > maxRecordBytes) {
            reject(record, ctx, RejectReason.OVERSIZED, "The record has " + record.value.length
                    + " bytes, more than the " + maxRecordBytes + " allowed by --max-record-bytes.");
            return;
        }
        try {
            Event event = SequenceEventCodec.decode(record.value);
            out.collect(event.readFrom(record.topic, record.partition, record.offset));
        } catch (MalformedRecordException e) {
            reject(record, ctx, RejectReason.MALFORMED, e.getMessage());
        }
    }

    private void reject(RawRecord record, Context ctx, RejectReason reason, String message) {
        rejected.get(reason).inc();
        String key = record.key == null ? null : new String(record.key, StandardCharsets.UTF_8);
        ctx.output(SideOutputs.DEAD_LETTERS, DeadLetters.fromSource(
                record.topic, record.partition, record.offset, key, record.value, reason, message,
                System.currentTimeMillis()));
    }
}
