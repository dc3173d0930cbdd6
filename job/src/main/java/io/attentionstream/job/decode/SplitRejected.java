package io.attentionstream.job.decode;

import io.attentionstream.core.window.Event;
import io.attentionstream.operators.SideOutputs;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Passes decoded events on and sends the source's dead letters to {@link SideOutputs#DEAD_LETTERS}. */
public class SplitRejected extends ProcessFunction<DecodedRecord, Event> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(DecodedRecord record, Context ctx, Collector<Event> out) {
        if (record.event != null) {
            out.collect(record.event);
        } else {
            ctx.output(SideOutputs.DEAD_LETTERS, record.rejected);
        }
    }
}
