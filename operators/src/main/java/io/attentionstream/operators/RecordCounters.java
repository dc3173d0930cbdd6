package io.attentionstream.operators;

import io.attentionstream.avro.RejectReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** What an operator emitted ({@code windowsEmitted}) and rejected ({@code rejected.<REASON>}), named alike everywhere. */
public final class RecordCounters {
    private final Counter windowsEmitted;
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);

    /** @param reasons every reason the operator rejects for: registered up front so dashboards show 0 rather than nothing */
    public RecordCounters(MetricGroup group, Set<RejectReason> reasons) {
        this.windowsEmitted = group.counter("windowsEmitted");
        MetricGroup rejectedGroup = group.addGroup("rejected");
        for (RejectReason reason : reasons) {
            rejected.put(reason, rejectedGroup.counter(reason.name()));
        }
    }

    public void emitted() {
        windowsEmitted.inc();
    }

    public void rejected(RejectReason reason) {
        rejected.get(reason).inc();
    }
}
